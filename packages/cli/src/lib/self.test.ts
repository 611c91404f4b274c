import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { selfCommand } from './self';

let root: string;
let bin: string; // the real CLI script inside a project-local install
let project: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'self-'));
  project = join(root, 'project');
  const pkg = join(project, 'node_modules', '@minidapr', 'cli', 'bin');
  mkdirSync(pkg, { recursive: true });
  bin = join(pkg, 'minidapr.js');
  writeFileSync(bin, '#!/usr/bin/env node\n');
  chmodSync(bin, 0o755);
  mkdirSync(join(project, 'node_modules', '.bin'));
  symlinkSync(bin, join(project, 'node_modules', '.bin', 'minidapr'));
  mkdirSync(join(project, 'app'));
  mkdirSync(join(root, 'userbin'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const npxBin = (): string => join(project, 'node_modules', '.bin', 'minidapr');

it('npx minidapr when the CLI is local to the project holding the cwd (npm puts node_modules/.bin on PATH: ignored)', () => {
  const env = { PATH: [join(project, 'node_modules', '.bin'), '/usr/bin'].join(delimiter) };
  expect(selfCommand(npxBin(), join(project, 'app'), env)).toBe('npx minidapr');
  expect(selfCommand(bin, project, env)).toBe('npx minidapr');
});

it('minidapr when minidapr on the PATH is this CLI (a global install, a link)', () => {
  symlinkSync(bin, join(root, 'userbin', 'minidapr'));
  expect(selfCommand(join(root, 'userbin', 'minidapr'), join(project, 'app'), { PATH: join(root, 'userbin') })).toBe('minidapr');
});

it('the name it was started by when that is on the PATH: a dapr symlink', () => {
  symlinkSync(npxBin(), join(root, 'userbin', 'dapr'));
  expect(selfCommand(join(root, 'userbin', 'dapr'), root, { PATH: join(root, 'userbin') })).toBe('dapr');
});

it('not a PATH entry that is another minidapr', () => {
  const other = join(root, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'minidapr'), '');
  expect(selfCommand(npxBin(), join(project, 'app'), { PATH: other })).toBe('npx minidapr');
});

it('plain minidapr otherwise (outside the project, unknown script)', () => {
  expect(selfCommand(npxBin(), root, { PATH: '' })).toBe('minidapr');
  expect(selfCommand(undefined, root, {})).toBe('minidapr');
  expect(selfCommand(join(root, 'missing.js'), root, {})).toBe('minidapr');
});

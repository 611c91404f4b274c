import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput } from '../../lib/output';
import { init } from '../init';
import { uninstall } from './index';

let root: string;
let home: string;
const env = (): NodeJS.ProcessEnv => ({ MINIDAPR_HOME: home });

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'uninstall-'));
  home = join(root, 'home');
  await init({ env: env(), output: captureOutput() });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('removes what init made and the folders it leaves empty, but keeps the trust root', async () => {
  const out = captureOutput();
  const r = await uninstall({ env: env(), output: out });
  expect(r.kept).toEqual([join(home, 'certs')]);
  expect(readdirSync(home)).toEqual(['certs']);
  expect(out.stdout()).toContain(`Removed ${join(home, 'config.yaml')}`);
  expect(out.stdout()).toContain(`Kept the mTLS trust root in ${join(home, 'certs')}`);
});

it('removes MINIDAPR_HOME itself when nothing is left in it', async () => {
  rmSync(join(home, 'certs'), { recursive: true });
  const out = captureOutput();
  const r = await uninstall({ env: env(), output: out });
  expect(r.kept).toEqual([]);
  expect(existsSync(home)).toBe(false);
  expect(out.stdout()).toContain(`Removed ${home}`);
});

it('removes the log files of single runs', async () => {
  mkdirSync(join(home, 'logs', 'orders'), { recursive: true });
  writeFileSync(join(home, 'logs', 'orders', 'orders_app_20260101000000.log'), 'line\n');
  const out = captureOutput();
  const r = await uninstall({ env: env(), output: out });
  expect(r.removed).toContain(join(home, 'logs'));
  expect(existsSync(join(home, 'logs'))).toBe(false);
});

it('keeps edited and added files without --all', async () => {
  writeFileSync(join(home, 'config.yaml'), 'mine');
  writeFileSync(join(home, 'components', 'extra.yaml'), 'mine');
  const out = captureOutput();
  const r = await uninstall({ env: env(), output: out });
  expect(r.kept).toEqual([join(home, 'config.yaml'), join(home, 'certs')]);
  expect(existsSync(join(home, 'config.yaml'))).toBe(true);
  expect(existsSync(join(home, 'components', 'extra.yaml'))).toBe(true);
  expect(existsSync(join(home, 'components', 'statestore.yaml'))).toBe(false);
  expect(out.stdout()).toContain(`Kept ${join(home, 'config.yaml')}`);
});

it('--all removes MINIDAPR_HOME entirely', async () => {
  mkdirSync(join(home, 'other'));
  const out = captureOutput();
  await uninstall({ all: true, env: env(), output: out });
  expect(existsSync(home)).toBe(false);
  expect(out.stdout()).toContain(`Removed ${home}`);
});

it('says when there is nothing to remove', async () => {
  rmSync(home, { recursive: true });
  const out = captureOutput();
  await uninstall({ env: env(), output: out });
  expect(out.stdout()).toBe(`Nothing to remove in ${home}\n`);
});

/**
 * Time-of-check/time-of-use races against bindings.localstorage (issue 12): a child process swaps a
 * symlink to a directory outside rootPath in and out while the binding reads, writes, deletes and
 * lists through that name. Not one operation may touch the outside directory.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProcess, stopAll, waitFor } from '@minidapr/testkit';
import { createLocalStorageBinding, type LocalStorageBinding } from '.';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const OPS = 1500;

// Swaps `<name>` between a symlink to `inside` and one to `outside`, atomically (rename over it).
const SWAPPER = `
const fs = require('fs');
const [dir, name, inside, outside] = process.argv.slice(1);
const link = dir + '/' + name, tmp = dir + '/.swap-' + name;
let i = 0;
process.stdout.write('ready\\n');
for (;;) {
  try { fs.rmSync(tmp, { force: true }); fs.symlinkSync(i++ % 2 ? outside : inside, tmp); fs.renameSync(tmp, link); } catch {}
}`;

let dir: string;
let root: string;
let outside: string;
let b: LocalStorageBinding;

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'minidapr-localstorage-race-')));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  mkdirSync(join(root, 'real'), { recursive: true });
  mkdirSync(outside);
  b = createLocalStorageBinding(ctx);
  await b.init({ rootPath: root }, { appId: 'a', cwd: dir });
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function swapping(name: string, inside: string, out: string): Promise<void> {
  const p = spawnProcess(process.execPath, ['-e', SWAPPER, root, name, inside, out]);
  await p.waitForOutput('ready');
  await waitFor('the swapper to create the link', () => existsSync(join(root, name)));
}

async function attempt(op: () => Promise<unknown>): Promise<unknown> {
  return op().catch((e: unknown) => e);
}

describe('bindings.localstorage under a symlink swap race', () => {
  jest.setTimeout(60_000);

  it('never reads a file outside rootPath', async () => {
    writeFileSync(join(outside, 'f'), 'SECRET');
    writeFileSync(join(root, 'real', 'f'), 'public');
    await swapping('d', join(root, 'real'), outside);
    let escapes = 0;
    let ok = 0;
    for (let i = 0; i < OPS; i++) {
      const r = await attempt(() => b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { fileName: 'd/f' } }));
      const text = (r as { data?: Buffer } | undefined)?.data?.toString();
      if (text === 'SECRET') escapes++;
      if (text === 'public') ok++;
    }
    expect(escapes).toBe(0);
    expect(ok).toBeGreaterThan(0); // the race really ran: reads through the inside target worked
  });

  it('never reads through a swapped file symlink', async () => {
    writeFileSync(join(outside, 'f'), 'SECRET');
    writeFileSync(join(root, 'real', 'f'), 'public');
    await swapping('l', join(root, 'real', 'f'), join(outside, 'f'));
    let escapes = 0;
    for (let i = 0; i < OPS; i++) {
      const r = await attempt(() => b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { fileName: 'l' } }));
      if ((r as { data?: Buffer } | undefined)?.data?.toString() === 'SECRET') escapes++;
    }
    expect(escapes).toBe(0);
  });

  it('never creates, truncates, deletes or lists outside rootPath', async () => {
    writeFileSync(join(outside, 'victim'), 'keep me');
    writeFileSync(join(outside, 'hidden-name'), '');
    await swapping('d', join(root, 'real'), outside);
    let listedOutside = 0;
    for (let i = 0; i < OPS / 3; i++) {
      await attempt(() => b.invoke({ operation: 'create', data: Buffer.from('"x"'), metadata: { fileName: `d/new-${i}` } }));
      await attempt(() => b.invoke({ operation: 'create', data: Buffer.from('"x"'), metadata: { fileName: 'd/victim' } }));
      await attempt(() => b.invoke({ operation: 'delete', data: Buffer.alloc(0), metadata: { fileName: 'd/victim' } }));
      const l = await attempt(() => b.invoke({ operation: 'list', data: Buffer.alloc(0), metadata: { fileName: 'd' } }));
      if ((l as { data?: Buffer } | undefined)?.data?.toString().includes('hidden-name')) listedOutside++;
    }
    await stopAll();
    expect(readdirSync(outside).sort()).toEqual(['hidden-name', 'victim']);
    expect(listedOutside).toBe(0);
    expect(readdirSync(join(root, 'real')).some((n) => n.startsWith('new-'))).toBe(true); // the race really ran
  });
});

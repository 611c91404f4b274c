import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { createRootMain } from './create-root-main';
import { loadIssuer } from './trust-root';

function sink() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, s: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir('create-root-')));
afterEach(() => tmp.remove());

it('creates a trust root the sidecar loads, the key readable by its owner only, relative to cwd', async () => {
  const c = sink();
  expect(await createRootMain(['--out', 'certs'], tmp.path, c.s)).toBe(0);
  const dir = join(tmp.path, 'certs');
  expect(c.out).toEqual([`Created the mTLS trust root in ${dir} (ca.crt, issuer.crt, issuer.key)`]);
  expect(statSync(join(dir, 'issuer.key')).mode & 0o777).toBe(0o600);
  const issuer = loadIssuer({ trustAnchorsFile: join(dir, 'ca.crt'), issuerCertFile: join(dir, 'issuer.crt'), issuerKeyFile: join(dir, 'issuer.key') });
  expect(issuer.issuerNotAfter.getTime()).toBeGreaterThan(Date.now());
});

it('keeps an existing root byte for byte (a second run of the one-shot service changes nothing)', async () => {
  const dir = join(tmp.path, 'certs');
  expect(await createRootMain([`--out=${dir}`], tmp.path, sink().s)).toBe(0);
  const before = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const c = sink();
  expect(await createRootMain(['-o', dir, '--trust-domain', 'other'], tmp.path, c.s)).toBe(0);
  expect(c.out).toEqual([`Kept the mTLS trust root in ${dir}`]);
  expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(before);
});

it('refuses an incomplete root, naming the folder and the files found', async () => {
  const dir = join(tmp.path, 'certs');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ca.crt'), 'x');
  const c = sink();
  expect(await createRootMain(['--out', dir], tmp.path, c.s)).toBe(1);
  expect(c.err.join('\n')).toContain(`${dir}: incomplete trust root (found ca.crt)`);
});

it('rejects a missing --out, a flag without value and unknown arguments with the usage', async () => {
  for (const argv of [[], ['--out'], ['--out', 'x', '--bogus'], ['--trust-domain=']]) {
    const c = sink();
    expect(await createRootMain(argv, tmp.path, c.s)).toBe(1);
    expect(c.err.join('\n')).toMatch(/minidaprd-create-trust-root: .*(required|needs a value|unknown argument --bogus)[\s\S]*Usage:/);
  }
  const h = sink();
  expect(await createRootMain(['--help'], tmp.path, h.s)).toBe(0);
  expect(h.out.join('')).toContain('--out <dir>');
});

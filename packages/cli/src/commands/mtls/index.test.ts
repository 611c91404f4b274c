import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { runCli } from '../../index';
import { captureOutput } from '../../lib/output';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir('mtls-create-root-')));
afterEach(() => tmp.remove());

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = captureOutput();
  const code = await runCli(argv, { cwd: tmp.path, env: { MINIDAPR_HOME: join(tmp.path, 'home') }, output });
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

it('writes ca.crt, issuer.crt and issuer.key (0600) to -o, relative to the working folder, and prints the Secret command', async () => {
  const r = await cli(['mtls', 'create-root', '-o', 'certs']);
  const dir = join(tmp.path, 'certs');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Created the mTLS trust root in ${dir}`);
  expect(r.stdout).toContain(`kubectl create secret generic minidapr-trust-root -n <namespace> --from-file=${dir}`);
  expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
  expect(readFileSync(join(dir, 'issuer.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
  expect(statSync(join(dir, 'issuer.key')).mode & 0o777).toBe(0o600);
});

it('defaults to MINIDAPR_HOME/certs, the folder minidapr init uses', async () => {
  const r = await cli(['mtls', 'create-root']);
  expect(r.code).toBe(0);
  expect(statSync(join(tmp.path, 'home', 'certs', 'ca.crt')).isFile()).toBe(true);
});

it('keeps an existing root unchanged', async () => {
  expect((await cli(['mtls', 'create-root', '--out', 'certs'])).code).toBe(0);
  const before = readFileSync(join(tmp.path, 'certs', 'issuer.key'), 'utf8');
  const r = await cli(['mtls', 'create-root', '--out', 'certs']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Kept the mTLS trust root');
  expect(readFileSync(join(tmp.path, 'certs', 'issuer.key'), 'utf8')).toBe(before);
});

it('refuses an incomplete root and a bad trust domain with a message naming the folder or flag', async () => {
  mkdirSync(join(tmp.path, 'half'));
  writeFileSync(join(tmp.path, 'half', 'issuer.key'), 'x');
  const half = await cli(['mtls', 'create-root', '-o', 'half']);
  expect(half.code).toBe(1);
  expect(half.stderr).toContain(`${join(tmp.path, 'half')}: incomplete trust root (found issuer.key)`);
  expect(half.stderr).toContain("Run 'minidapr mtls create-root --help' for usage.");
  const bad = await cli(['mtls', 'create-root', '-o', 'x', '--trust-domain', 'Bad Domain/']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('--trust-domain: "Bad Domain/" is not a trust domain');
});

it('writes to a path that is a file: a clear error, not a stack trace', async () => {
  writeFileSync(join(tmp.path, 'afile'), 'x');
  const r = await cli(['mtls', 'create-root', '-o', 'afile/sub']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`--out: cannot write the trust root to ${join(tmp.path, 'afile', 'sub')}`);
});

it('lists create-root under mtls --help', async () => {
  const r = await cli(['mtls', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('create-root');
});

/**
 * Scenario: bindings.localstorage through a sidecar. Files are created, read, listed and deleted with
 * POST/PUT /v1.0/bindings/files; a file name that leads outside rootPath (the issue's
 * `../../etc/x` request, an absolute name, a symlink to elsewhere) is refused with
 * ERR_INVOKE_OUTPUT_BINDING naming the file and the root, and nothing is written outside it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { componentYaml, startSidecar, stopAll, tempDir, type Sidecar, type TempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;
let dir: TempDir;
let root: string;

beforeAll(async () => {
  dir = tempDir('minidapr-localstorage-');
  root = join(realpathSync(dir.path), 'a', 'b', 'root');
  mkdirSync(join(dir.path, 'elsewhere'));
  sidecar = await startSidecar({ appId: 'files-app', resources: { 'files.yaml': componentYaml('files', 'bindings.localstorage', { rootPath: root }) } });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
  dir?.remove();
});

async function invoke(body: unknown, method = 'POST'): Promise<{ status: number; text: string; headers: Headers }> {
  const r = await fetch(`${sidecar.url}/v1.0/bindings/files`, { method, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

it('creates rootPath and lists the binding as an output binding', async () => {
  expect(existsSync(root)).toBe(true);
  const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { components: unknown[] };
  expect(meta.components).toContainEqual({ name: 'files', type: 'bindings.localstorage', version: 'v1', capabilities: ['OUTPUT_BINDING'] });
});

it('creates, gets, lists and deletes files', async () => {
  const created = await invoke({ operation: 'create', data: 'hello', metadata: { fileName: 'docs/hello.txt' } });
  expect(created.status).toBe(200);
  expect(JSON.parse(created.text)).toEqual({ fileName: 'docs/hello.txt' });
  expect(readFileSync(join(root, 'docs/hello.txt'), 'utf8')).toBe('hello');

  const got = await invoke({ operation: 'get', metadata: { fileName: 'docs/hello.txt' } }, 'PUT');
  expect(got.status).toBe(200);
  expect(got.headers.get('content-type')).toBe('application/json');
  expect(got.text).toBe('hello');

  const listed = await invoke({ operation: 'list' });
  expect(JSON.parse(listed.text)).toEqual([join(root, 'docs/hello.txt')]);

  const deleted = await invoke({ operation: 'delete', metadata: { fileName: 'docs/hello.txt' } });
  expect(deleted.status).toBe(204);
  expect(deleted.text).toBe('');
  const missing = await invoke({ operation: 'get', metadata: { fileName: 'docs/hello.txt' } });
  expect(missing.status).toBe(500);
  expect(JSON.parse(missing.text)).toEqual({
    errorCode: 'ERR_INVOKE_OUTPUT_BINDING',
    message: `error invoking output binding files: file not found: ${join(root, 'docs/hello.txt')}`,
  });
});

it('refuses ../../etc/x (the issue acceptance request) and writes nothing outside rootPath', async () => {
  const before = readdirSync(join(root, '..'));
  const res = await invoke('{"operation":"create","data":"x","metadata":{"fileName":"../../etc/x"}}');
  expect(res.status).toBe(500);
  const body = JSON.parse(res.text) as { errorCode: string; message: string };
  expect(body.errorCode).toBe('ERR_INVOKE_OUTPUT_BINDING');
  expect(body.message).toBe(`error invoking output binding files: invalid fileName "../../etc/x": ".." is not allowed; it must stay inside rootPath ${root}`);
  expect(existsSync(join(root, '..', '..', 'etc'))).toBe(false);
  expect(readdirSync(join(root, '..'))).toEqual(before);
  expect(existsSync(join(root, 'etc'))).toBe(false);
});

it('refuses absolute names and symlinks that lead outside rootPath', async () => {
  const elsewhere = join(realpathSync(dir.path), 'elsewhere');
  const abs = await invoke({ operation: 'create', data: 'x', metadata: { fileName: join(elsewhere, 'x') } });
  expect(abs.status).toBe(500);
  expect(abs.text).toContain('absolute paths are not allowed');
  symlinkSync(elsewhere, join(root, 'escape'));
  const viaLink = await invoke({ operation: 'create', data: 'x', metadata: { fileName: 'escape/x' } });
  expect(viaLink.status).toBe(500);
  expect(JSON.parse(viaLink.text).message).toBe(
    `error invoking output binding files: invalid fileName "escape/x": it goes through a symlink to ${elsewhere}; it must stay inside rootPath ${root}`,
  );
  expect(readdirSync(elsewhere)).toEqual([]);
});

it('answers bad requests with the API errors', async () => {
  const bad = await invoke('{not json');
  expect(bad.status).toBe(400);
  expect((JSON.parse(bad.text) as { errorCode: string }).errorCode).toBe('ERR_MALFORMED_REQUEST');
  const op = await invoke({ operation: 'query' });
  expect(op.status).toBe(500);
  expect(JSON.parse(op.text).message).toBe('error invoking output binding files: binding files does not support operation query. supported operations:create get list delete');
});

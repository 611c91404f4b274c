import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretNotFoundError } from '../contract';
import { LocalFileSecretStore, MULTIPLE_KEY_VALUES_PER_SECRET, flatten } from '.';

const DOC = {
  redisPassword: 'pw1',
  db: { user: 'u', pass: 'p', hosts: ['h0', { name: 'h1' }] },
  port: 5432,
  tls: true,
  empty: null,
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minidapr-secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function open(meta: Record<string, string>, content: string | object = DOC): Promise<LocalFileSecretStore> {
  writeFileSync(join(dir, 'secrets.json'), typeof content === 'string' ? content : JSON.stringify(content));
  const store = new LocalFileSecretStore();
  await store.init({ secretsFile: 'secrets.json', ...meta }, { appId: 'a', cwd: dir });
  return store;
}

describe('secretstores.local.file', () => {
  it('flattens nested objects and arrays with ":" and answers one-entry maps', async () => {
    const s = await open({});
    expect(await s.getSecret('redisPassword')).toEqual({ redisPassword: 'pw1' });
    expect(await s.getSecret('db:user')).toEqual({ 'db:user': 'u' });
    expect(await s.getSecret('db:hosts:0')).toEqual({ 'db:hosts:0': 'h0' });
    expect(await s.getSecret('db:hosts:1:name')).toEqual({ 'db:hosts:1:name': 'h1' });
    expect(await s.getSecret('port')).toEqual({ port: '5432' });
    expect(await s.getSecret('tls')).toEqual({ tls: 'true' });
    expect(await s.getSecret('empty')).toEqual({ empty: '' });
    expect(s.features()).toEqual([]);
    const bulk = await s.bulkGetSecret();
    expect(Object.keys(bulk).sort()).toEqual(['db:hosts:0', 'db:hosts:1:name', 'db:pass', 'db:user', 'empty', 'port', 'redisPassword', 'tls']);
    expect(bulk['db:pass']).toEqual({ 'db:pass': 'p' });
  });

  it('uses nestedSeparator', async () => {
    const s = await open({ nestedSeparator: '.' });
    expect(await s.getSecret('db.user')).toEqual({ 'db.user': 'u' });
    await expect(s.getSecret('db:user')).rejects.toThrow('secret db:user not found');
  });

  it('multiValued: one secret per top-level key holding its flattened children', async () => {
    const s = await open({ multiValued: 'true' });
    expect(await s.getSecret('db')).toEqual({ user: 'u', pass: 'p', 'hosts:0': 'h0', 'hosts:1:name': 'h1' });
    expect(await s.getSecret('redisPassword')).toEqual({ redisPassword: 'pw1' });
    // Dapr skips top-level values that are neither strings nor objects in this mode.
    await expect(s.getSecret('port')).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(Object.keys(await s.bulkGetSecret()).sort()).toEqual(['db', 'redisPassword']);
    expect(s.features()).toEqual([MULTIPLE_KEY_VALUES_PER_SECRET]);
  });

  it('rejects a missing secret with "secret <k> not found"', async () => {
    const s = await open({});
    const err = await s.getSecret('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretNotFoundError);
    expect((err as Error).message).toBe('secret nope not found');
  });

  it('resolves secretsFile against the working directory and accepts absolute paths', async () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.json'), '{"a":"1"}');
    const rel = new LocalFileSecretStore();
    await rel.init({ secretsFile: 'sub/x.json' }, { appId: 'a', cwd: dir });
    expect(await rel.getSecret('a')).toEqual({ a: '1' });
    const abs = new LocalFileSecretStore();
    await abs.init({ secretsFile: join(dir, 'sub', 'x.json') }, { appId: 'a', cwd: '/' });
    expect(await abs.getSecret('a')).toEqual({ a: '1' });
  });

  it('fails init naming the field and the file when it is missing, a directory or not an object', async () => {
    const store = new LocalFileSecretStore();
    await expect(store.init({}, { appId: 'a', cwd: dir })).rejects.toThrow('metadata field "secretsFile" is required');
    await expect(store.init({ secretsFile: 'nope.json' }, { appId: 'a', cwd: dir })).rejects.toThrow(
      `metadata field "secretsFile": cannot load secrets file ${join(dir, 'nope.json')}: the file does not exist`,
    );
    await expect(store.init({ secretsFile: '.' }, { appId: 'a', cwd: dir })).rejects.toThrow('it is a directory');
    await expect(open({}, '["a"]')).rejects.toThrow(/secrets file .*secrets\.json must hold a JSON object/);
  });

  it('reports invalid JSON with a position but never the content', async () => {
    const err = (await open({}, '{\n  "pw": "hunter2-very-secret",\n  "x": oops\n}').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/secrets file .*secrets\.json is not valid JSON/);
    expect(err.message).not.toContain('hunter2');
    expect(err.message).not.toContain('oops');
  });

  it('flatten keeps the first of two equal paths', () => {
    expect([...flatten({ 'a:b': 'first', a: { b: 'second' } }, ':')]).toEqual([['a:b', 'first']]);
  });
});

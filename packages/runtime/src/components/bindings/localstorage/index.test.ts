import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputBinding, isOutputBinding } from '../contract';
import { createLocalStorageBinding, fileContent, goUnquote, type LocalStorageBinding } from '.';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

let dir: string;
let root: string;
let outside: string;
let b: LocalStorageBinding;

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'minidapr-localstorage-')));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  mkdirSync(outside);
  b = createLocalStorageBinding(ctx);
  await b.init({ rootPath: 'root' }, { appId: 'a', cwd: dir });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const json = (data: Buffer | undefined): unknown => JSON.parse((data ?? Buffer.alloc(0)).toString());
const quoted = (s: string): Buffer => Buffer.from(JSON.stringify(s));

describe('bindings.localstorage', () => {
  it('creates rootPath relative to the working directory and is an output binding', () => {
    expect(existsSync(root)).toBe(true);
    expect(isOutputBinding(b)).toBe(true);
    expect(isInputBinding(b)).toBe(false);
    expect(b.operations()).toEqual(['create', 'get', 'list', 'delete']);
  });

  it('creates (unquoting the JSON string), gets, lists and deletes files', async () => {
    const created = await b.invoke({ operation: 'create', data: quoted('hello world'), metadata: { fileName: 'sub/a.txt' } });
    expect(json(created?.data)).toEqual({ fileName: 'sub/a.txt' });
    expect(readFileSync(join(root, 'sub/a.txt'), 'utf8')).toBe('hello world');
    await b.invoke({ operation: 'create', data: Buffer.from('{"n":1}'), metadata: { fileName: 'b.json' } });
    expect((await b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { fileName: 'b.json' } }))?.data?.toString()).toBe('{"n":1}');
    expect(json((await b.invoke({ operation: 'list', data: Buffer.alloc(0), metadata: {} }))?.data)).toEqual([join(root, 'b.json'), join(root, 'sub/a.txt')]);
    expect(json((await b.invoke({ operation: 'list', data: Buffer.alloc(0), metadata: { fileName: 'sub' } }))?.data)).toEqual([join(root, 'sub/a.txt')]);
    expect(await b.invoke({ operation: 'delete', data: Buffer.alloc(0), metadata: { fileName: 'sub/a.txt' } })).toBeUndefined();
    expect(existsSync(join(root, 'sub/a.txt'))).toBe(false);
  });

  it('names a file with a UUID when fileName is absent', async () => {
    const created = await b.invoke({ operation: 'create', data: quoted('x'), metadata: {} });
    const { fileName } = json(created?.data) as { fileName: string };
    expect(fileName).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(join(root, fileName), 'utf8')).toBe('x');
  });

  it('base64-decodes data that is valid base64 (Dapr quirk)', async () => {
    await b.invoke({ operation: 'create', data: quoted(Buffer.from('binary\u0000data').toString('base64')), metadata: { fileName: 'bin' } });
    expect(readFileSync(join(root, 'bin'), 'latin1')).toBe('binary\u0000data');
  });

  it('reports missing files, wrong types and missing names', async () => {
    await expect(b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { fileName: 'nope' } })).rejects.toThrow(`file not found: ${join(root, 'nope')}`);
    await expect(b.invoke({ operation: 'delete', data: Buffer.alloc(0), metadata: { fileName: 'nope' } })).rejects.toThrow('file not found');
    await expect(b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: {} })).rejects.toThrow('metadata fileName is required for get');
    await b.invoke({ operation: 'create', data: quoted('x'), metadata: { fileName: 'f' } });
    await expect(b.invoke({ operation: 'list', data: Buffer.alloc(0), metadata: { fileName: 'f' } })).rejects.toThrow('is not a directory');
    await expect(b.invoke({ operation: 'rename', data: Buffer.alloc(0), metadata: {} })).rejects.toThrow('unsupported operation rename');
  });

  it.each([
    ['../../etc/x', '".." is not allowed'],
    ['../outside/x', '".." is not allowed'],
    ['a/../../x', '".." is not allowed'],
    ['/etc/x', 'absolute paths are not allowed'],
    ['a\u0000b', 'it contains a NUL byte'],
  ])('refuses %j for every operation and writes nothing', async (fileName, why) => {
    for (const operation of ['create', 'get', 'list', 'delete']) {
      const err = (await b.invoke({ operation, data: quoted('x'), metadata: { fileName } }).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toContain(`invalid fileName "${fileName}": ${why}`);
      expect(err.message).toContain(`inside rootPath ${root}`);
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(existsSync(join(outside, 'x'))).toBe(false);
  });

  it('refuses symlinks that lead outside rootPath, and follows those that stay inside', async () => {
    symlinkSync(outside, join(root, 'out-dir'));
    writeFileSync(join(outside, 'secret'), 'top secret');
    symlinkSync(join(outside, 'secret'), join(root, 'out-file'));
    symlinkSync(join(outside, 'new'), join(root, 'dangling'));
    await expect(b.invoke({ operation: 'create', data: quoted('x'), metadata: { fileName: 'out-dir/x' } })).rejects.toThrow(/goes through a symlink/);
    await expect(b.invoke({ operation: 'create', data: quoted('x'), metadata: { fileName: 'out-dir/deep/x' } })).rejects.toThrow(/goes through a symlink/);
    await expect(b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { fileName: 'out-file' } })).rejects.toThrow(/is a symlink to/);
    await expect(b.invoke({ operation: 'create', data: quoted('x'), metadata: { fileName: 'out-file' } })).rejects.toThrow(/is a symlink/);
    await expect(b.invoke({ operation: 'create', data: quoted('x'), metadata: { fileName: 'dangling' } })).rejects.toThrow(/symlink/);
    await expect(b.invoke({ operation: 'list', data: Buffer.alloc(0), metadata: { fileName: 'out-dir' } })).rejects.toThrow(/symlink/);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('top secret');
    expect(existsSync(join(outside, 'x'))).toBe(false);
    expect(existsSync(join(outside, 'deep'))).toBe(false);
    expect(existsSync(join(outside, 'new'))).toBe(false);
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    await b.invoke({ operation: 'create', data: quoted('ok'), metadata: { fileName: 'alias/f' } });
    expect(readFileSync(join(root, 'real/f'), 'utf8')).toBe('ok');
  });

  it.each([
    [{}, 'metadata field "rootPath" is required'],
    [{ rootPath: '/proc' }, 'metadata field "rootPath" "/proc" is not allowed'],
    [{ rootPath: '/sys/kernel' }, 'metadata field "rootPath" "/sys/kernel" is not allowed'],
    [{ rootPath: '/var/run/secrets/x' }, 'metadata field "rootPath" "/var/run/secrets/x" is not allowed'],
  ])('fails init for %j', async (metadata, message) => {
    await expect(createLocalStorageBinding(ctx).init(metadata, { appId: 'a', cwd: dir })).rejects.toThrow(`component bindings.localstorage: ${message}`);
  });

  it('fails init when rootPath cannot be created', async () => {
    writeFileSync(join(dir, 'file'), '');
    await expect(createLocalStorageBinding(ctx).init({ rootPath: 'file/sub' }, { appId: 'a', cwd: dir })).rejects.toThrow(/metadata field "rootPath" ".*file\/sub" cannot be created/);
  });
});

describe('data decoding', () => {
  it.each([
    ['"hi"', 'hi'],
    ['"a\\"b\\u003c"', 'a"b<'],
    ['`raw`', 'raw'],
    ['hi', undefined],
    ['"\\/"', undefined],
    ['"unterminated', undefined],
  ])('goUnquote(%j)', (text, out) => expect(goUnquote(text)).toBe(out));

  it('unquotes, then base64-decodes only valid base64', () => {
    expect(fileContent(quoted('x')).toString()).toBe('x');
    expect(fileContent(quoted('aGk=')).toString()).toBe('hi');
    expect(fileContent(quoted('aGk')).toString()).toBe('aGk');
    expect(fileContent(Buffer.from('{"a":1}')).toString()).toBe('{"a":1}');
    expect(fileContent(quoted('')).length).toBe(0);
  });
});

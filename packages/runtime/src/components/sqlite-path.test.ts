/**
 * SQLite database paths on kernel file systems and devices (issue 12: a state.sqlite path under
 * /proc spun forever): every SQLite component refuses them at init, fast, naming itself and the field.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { createSqliteBinding } from './bindings/sqlite';
import { MetadataError } from './errors';
import { createSqlitePubSub } from './pubsub/sqlite';
import { checkSqliteFile } from './sqlite-path';
import { createSqliteStateStore } from './state/sqlite';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const dir = tempDir('minidapr-sqlite-path-');
const linux = process.platform === 'linux';

afterAll(() => dir.remove());

const COMPONENTS = [
  ['state.sqlite', () => createSqliteStateStore({ logger })],
  ['pubsub.sqlite', () => createSqlitePubSub({ logger })],
  ['bindings.sqlite', () => createSqliteBinding({ logger })],
] as const;

describe('checkSqliteFile', () => {
  it('accepts :memory:, missing files in ordinary folders and regular files', () => {
    expect(() => checkSqliteFile('c', 'f', ':memory:')).not.toThrow();
    expect(() => checkSqliteFile('c', 'f', join(dir.path, 'new', 'x.db'))).not.toThrow();
    expect(() => checkSqliteFile('c', 'f', __filename)).not.toThrow();
  });

  it('refuses a directory and a named pipe', () => {
    mkdirSync(join(dir.path, 'folder.db'));
    expect(() => checkSqliteFile('c', 'f', join(dir.path, 'folder.db'))).toThrow('component c: metadata field "f" names a directory, not a database file');
    if (!linux) return;
    execFileSync('mkfifo', [join(dir.path, 'pipe.db')]);
    expect(() => checkSqliteFile('c', 'f', join(dir.path, 'pipe.db'))).toThrow('names a named pipe');
  });
});

describe.each(COMPONENTS)('%s refuses kernel file systems and devices', (name, create) => {
  const paths = linux ? ['/proc/x.db', '/proc/self/status', '/proc/self/fd/1', '/sys/x.db', '/dev/null', '/dev/zero', 'to-proc/x.db'] : [];
  beforeAll(() => {
    if (linux) symlinkSync('/proc/self', join(dir.path, `to-proc-${name}`));
  });

  it.each(paths)('%s', async (path) => {
    const file = path.startsWith('to-proc') ? path.replace('to-proc', `to-proc-${name}`) : path;
    const c = create();
    const started = Date.now();
    const err = await c.init({ connectionString: file }, { appId: 'app', cwd: dir.path }).catch((e: unknown) => e);
    await c.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(MetadataError);
    expect(err).toMatchObject({ component: name, field: 'connectionString' });
    expect((err as Error).message).toMatch(/resolves to a path under \/(proc|sys|dev), which is not allowed for a database file/);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../ports';
import { requireRedisServerBinary } from '../redis-server';
import { serviceAvailable } from '../services';
import { requireServiceSync } from '../services-sync';
import { tempDir, type TempDir } from '../tmp';
import { parseDockerArgs, readComposePostgres, runDockerShim, STATE_ENV, type ShimIo } from './docker-shim';
import { definePrivateRedis, privateRedisPid, stopPrivateRedis } from './private-redis';

// The files of dapr/quickstarts bindings/db, in shape (our own text, same fields).
const BINDINGS_DB = {
  'db/docker-compose.yml':
    "version: '3.4'\nservices:\n  db:\n    image: samples/postgres\n    container_name: postgres\n    ports:\n      - \"5432:5432\"\n" +
    '    build:\n      context: .\n      dockerfile: ./Dockerfile\n    environment:\n      POSTGRES_USER: postgres\n      POSTGRES_PASSWORD: docker\n      POSTGRES_DB: orders\n',
  'db/Dockerfile': 'FROM postgres\nCOPY orders.sql /docker-entrypoint-initdb.d/\n',
  'db/orders.sql': '\\c orders;\ncreate table orders ( orderid int, customer text, price float );\n',
};

let dir: TempDir;
beforeEach(() => (dir = tempDir('docker-shim-')));
afterEach(() => dir.remove());

describe('parseDockerArgs', () => {
  it('knows compose up -d and docker exec <container> psql ...', () => {
    expect(parseDockerArgs(['compose', 'up', '-d'])).toEqual({ kind: 'compose-up' });
    expect(parseDockerArgs(['compose', 'up', '--detach'])).toEqual({ kind: 'compose-up' });
    expect(parseDockerArgs(['exec', 'postgres', 'psql', '-U', 'postgres', '-d', 'orders', '-c', 'SELECT * FROM orders;'])).toEqual({
      kind: 'exec-psql',
      container: 'postgres',
      args: ['-U', 'postgres', '-d', 'orders', '-c', 'SELECT * FROM orders;'],
    });
    expect(parseDockerArgs(['exec', '-it', 'postgres', 'psql'])).toEqual({ kind: 'exec-psql', container: 'postgres', args: [] });
  });

  it('knows docker stop|start <container>...', () => {
    expect(parseDockerArgs(['stop', 'dapr_redis'])).toEqual({ kind: 'stop', containers: ['dapr_redis'] });
    expect(parseDockerArgs(['start', 'dapr_redis', 'other'])).toEqual({ kind: 'start', containers: ['dapr_redis', 'other'] });
  });

  it.each([
    [['compose', 'up']],
    [['compose', 'down']],
    [['compose', '-f', 'x.yml', 'up', '-d']],
    [['exec', 'postgres', 'bash']],
    [['exec', '-u', 'root', 'postgres', 'psql']],
    [['run', 'redis']],
    [['stop']],
    [['stop', '-t', '1', 'dapr_redis']],
    [['start', '-a', 'dapr_redis']],
    [['ps']],
    [[]],
  ])('anything else is unsupported, and says what is: %j', (argv) => {
    const r = parseDockerArgs(argv);
    expect(r.kind).toBe('unsupported');
    expect(r.kind === 'unsupported' && r.reason).toContain("only provides 'docker compose up -d' (PostgreSQL services), 'docker exec <container> psql ...' and 'docker stop|start <container>'");
  });
});

describe('readComposePostgres', () => {
  it('reads the bindings quickstart database: container, POSTGRES_DB and the init script the Dockerfile copies', () => {
    dir.write(BINDINGS_DB);
    expect(readComposePostgres(join(dir.path, 'db'))).toEqual([
      { service: 'db', container: 'postgres', database: 'orders', initScripts: [join(dir.path, 'db', 'orders.sql')] },
    ]);
  });

  it('image services, list-form environment, init scripts from volumes (sorted by name), default container names', () => {
    dir.write({
      'compose.yaml':
        'services:\n  pg:\n    image: postgres:16\n    environment:\n      - POSTGRES_DB=shop\n    volumes:\n' +
        '      - ./b.sql:/docker-entrypoint-initdb.d/b.sql\n      - ./a.sql:/docker-entrypoint-initdb.d/a.sql\n      - data:/var/lib/postgresql/data\n',
      'a.sql': 'select 1;',
      'b.sql': 'select 2;',
    });
    const [svc] = readComposePostgres(dir.path);
    expect(svc).toMatchObject({ container: expect.stringMatching(/-pg-1$/) as unknown, database: 'shop' });
    expect(svc?.initScripts.map((p) => p.slice(dir.path.length + 1))).toEqual(['a.sql', 'b.sql']);
  });

  it.each([
    [{ 'compose.yml': 'services:\n  cache:\n    image: redis:7\n' }, /service 'cache' is based on 'redis:7', not the postgres image/],
    [{ 'compose.yml': 'services:\n  db:\n    image: postgres\n    ports: ["5433:5432"]\n' }, /publishes port 5433:5432; the local PostgreSQL listens on 5432 only/],
    [{ 'compose.yml': 'services:\n  db:\n    build: .\n', Dockerfile: 'FROM postgres\nCOPY missing.sql /docker-entrypoint-initdb.d/\n' }, /init script missing\.sql does not exist/],
    [{ 'compose.yml': 'services:\n  db:\n    build: .\n', Dockerfile: 'FROM postgres\nCOPY init.sh /docker-entrypoint-initdb.d/\n', 'init.sh': 'x' }, /not a \.sql file/],
    [{ 'compose.yml': 'services: {}\n' }, /declares no services/],
    [{ 'other.yml': '' }, /no compose file/],
  ])('fails loudly on what it cannot provide (%#)', (files, pattern) => {
    dir.write(files);
    expect(() => readComposePostgres(dir.path)).toThrow(pattern);
  });
});

describe('runDockerShim (psql recorded)', () => {
  function io(cwd: string): ShimIo & { calls: string[][]; out: string; err: string } {
    const r = {
      env: { [STATE_ENV]: join(dir.path, 'state') } as NodeJS.ProcessEnv,
      cwd,
      calls: [] as string[][],
      out: '',
      err: '',
      stdout: (t: string) => void (r.out += t),
      stderr: (t: string) => void (r.err += t),
      psql: (args: string[]) => (r.calls.push(args), 0),
    };
    return r;
  }

  it('compose up -d recreates the database, runs the init script and remembers the container for exec', async () => {
    dir.write(BINDINGS_DB);
    const shim = io(join(dir.path, 'db'));
    expect(await runDockerShim(['exec', 'postgres', 'psql', '-c', 'select 1'], shim)).toBe(1);
    expect(shim.err).toBe('Error response from daemon: No such container: postgres\n');

    expect(await runDockerShim(['compose', 'up', '-d'], shim)).toBe(0);
    expect(shim.calls).toEqual([
      ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', 'SET client_min_messages = warning', '-c', 'DROP DATABASE IF EXISTS "orders" WITH (FORCE)', '-c', 'CREATE DATABASE "orders"'],
      ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-d', 'orders', '-v', 'ON_ERROR_STOP=1', '-q', '-o', devNull, '-f', join(dir.path, 'db', 'orders.sql')],
    ]);
    expect(shim.out).toContain('Container postgres  Started');
    expect(existsSync(join(dir.path, 'state', 'postgres.json'))).toBe(true);

    shim.calls.length = 0;
    shim.env.PGPORT = '6543';
    expect(await runDockerShim(['exec', 'postgres', 'psql', '-U', 'postgres', '-d', 'orders', '-c', 'SELECT * FROM orders;'], shim)).toBe(0);
    expect(shim.calls).toEqual([['-h', '127.0.0.1', '-p', '6543', '-U', 'postgres', '-d', 'orders', '-c', 'SELECT * FROM orders;']]);
  });

  it('an unsupported command exits 1 with the reason on stderr, and a failing init script fails compose up', async () => {
    dir.write(BINDINGS_DB);
    const shim = io(join(dir.path, 'db'));
    expect(await runDockerShim(['pull', 'postgres'], shim)).toBe(1);
    expect(shim.err).toMatch(/^docker \(minidapr upstream harness shim\): 'docker pull postgres' is not supported/);
    shim.psql = (args) => (args.includes('-f') ? 3 : 0);
    expect(await runDockerShim(['compose', 'up', '-d'], shim)).toBe(1);
    expect(shim.err).toContain('orders.sql failed (psql exit 3)');
  });
});

const pgSkip = requireServiceSync('PostgreSQL', '127.0.0.1', 5432);
const pgIt = pgSkip === undefined ? it : it.skip;

describe('runDockerShim against the local PostgreSQL', () => {
  pgIt('creates the database from the init script, and exec psql prints the table as the README expects', async () => {
    const db = `minidapr_shim_${process.pid}_${Date.now()}`;
    dir.write({ ...BINDINGS_DB, 'db/docker-compose.yml': BINDINGS_DB['db/docker-compose.yml'].replace('POSTGRES_DB: orders', `POSTGRES_DB: ${db}`), 'db/orders.sql': BINDINGS_DB['db/orders.sql'].replace('orders;', `${db};`) });
    let printed = '';
    const psql = (args: string[]): number => {
      const r = spawnSync('psql', args, { encoding: 'utf8' });
      printed += r.stdout;
      return r.status ?? 1;
    };
    const shim: ShimIo = { env: { ...process.env, [STATE_ENV]: join(dir.path, 'state') }, cwd: join(dir.path, 'db'), stdout: () => undefined, stderr: () => undefined, psql };
    try {
      expect(await runDockerShim(['compose', 'up', '-d'], shim)).toBe(0);
      expect(await runDockerShim(['exec', 'postgres', 'psql', '-U', 'postgres', '-d', db, '-c', 'SELECT * FROM orders;'], shim)).toBe(0);
      expect(printed).toContain(' orderid | customer | price \n---------+----------+-------\n(0 rows)');
    } finally {
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]);
    }
  });
});

const redisIt = requireRedisServerBinary('the docker shim against a private redis-server') ? it : it.skip;

describe('runDockerShim stop|start on the sandbox Redis container', () => {
  redisIt('stops and starts the private redis-server on its port (never another one), printing the names as docker does', async () => {
    const state = join(dir.path, 'state');
    const redis = definePrivateRedis(state, 'dapr_redis', await freePort());
    const out: string[] = [];
    const err: string[] = [];
    const shim: ShimIo = { env: { [STATE_ENV]: state }, cwd: dir.path, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
    try {
      expect(await runDockerShim(['start', 'dapr_redis'], shim)).toBe(0);
      const pid = privateRedisPid(redis);
      expect(pid).toBeDefined();
      expect(await serviceAvailable('127.0.0.1', redis.port)).toBe(true);

      expect(await runDockerShim(['stop', 'dapr_redis'], shim)).toBe(0);
      expect(await serviceAvailable('127.0.0.1', redis.port)).toBe(false);
      expect(privateRedisPid(redis)).toBeUndefined();
      // Stopping a stopped container is fine, as with docker.
      expect(await runDockerShim(['stop', 'dapr_redis'], shim)).toBe(0);

      expect(await runDockerShim(['start', 'dapr_redis'], shim)).toBe(0);
      expect(await serviceAvailable('127.0.0.1', redis.port)).toBe(true);
      expect(privateRedisPid(redis)).not.toBe(pid);
      expect(out.join('')).toBe('dapr_redis\ndapr_redis\ndapr_redis\ndapr_redis\n');

      // A container the sandbox did not define (e.g. the shared Redis) is not touched.
      expect(await runDockerShim(['stop', 'redis'], shim)).toBe(1);
      expect(err.join('')).toBe('Error response from daemon: No such container: redis\n');
      expect(await runDockerShim(['exec', 'dapr_redis', 'psql'], shim)).toBe(1);
    } finally {
      await stopPrivateRedis(redis);
    }
  });
});

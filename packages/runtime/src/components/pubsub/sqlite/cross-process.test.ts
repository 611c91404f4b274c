/**
 * A real second process: a subscriber sidecar stand-in is killed with SIGKILL half-way through a
 * backlog and restarted; every message must still arrive (duplicates allowed). The component's
 * sources are transpiled with swc into the temp dir so the child runs plain JavaScript.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { transformSync } from '@swc/core';
import { createSqlitePubSub, type SqlitePubSub } from '.';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const SRC = join(__dirname, '..', '..', '..');

const CHILD = `
const { createSqlitePubSub } = require('./src/components/pubsub/sqlite');
const logger = { debug() {}, info() {}, warn() {}, error() {} };
(async () => {
  const ps = createSqlitePubSub({ logger });
  const pollInterval = process.argv[2] || '20ms';
  const meta = { connectionString: 'bus.db', pollInterval, processingTimeout: '500ms', redeliverInterval: '20ms' };
  await ps.init(meta, { appId: 'crashy', cwd: process.cwd() });
  await ps.subscribe({ topic: 'orders' }, async (m) => {
    await new Promise((r) => setTimeout(r, 2));
    process.stdout.write(m.data.toString() + '\\n');
    return 'success';
  });
  process.stdout.write('ready\\n');
})();
`;

let dir: string;
let build: string;
const children: ChildProcess[] = [];
let publisher: SqlitePubSub | undefined;
/** Set when a child dies on its own (not by our SIGKILL), so waits fail fast. */
let childFailure: string | undefined;

/**
 * Transpiles the package's sources (not just this component's imports, which may grow). A file that
 * does not transpile is skipped: the child only fails if it actually needs it.
 */
function buildChild(into: string): void {
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const rel of sources) {
    let code: string;
    try {
      code = transformSync(readFileSync(join(SRC, rel), 'utf8'), {
        filename: rel,
        swcrc: false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      }).code;
    } catch {
      continue;
    }
    const out = join(into, 'src', rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  writeFileSync(join(into, 'child.js'), CHILD);
}

function startChild(onLine: (line: string) => void, pollInterval = '20ms'): ChildProcess & { isReady(): boolean } {
  // The child lives in the temp dir, so point module resolution at this install of better-sqlite3.
  const nodePath = dirname(dirname(require.resolve('better-sqlite3/package.json')));
  const child = spawn(process.execPath, [join(build, 'child.js'), pollInterval], {
    cwd: dir,
    env: { ...process.env, NODE_PATH: nodePath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buf = '';
  let ready = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l !== 'ready') onLine(l);
    if (lines.includes('ready')) ready = true;
  });
  child.on('exit', (code) => {
    if (code !== null) childFailure = `child exited with code ${code}`;
  });
  children.push(child);
  return Object.assign(child, { isReady: () => ready });
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (childFailure) throw new Error(`${childFailure} while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), 'minidapr-pubsub-sqlite-build-'));
  buildChild(build);
});

afterAll(() => {
  rmSync(build, { recursive: true, force: true });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minidapr-pubsub-sqlite-xproc-'));
  childFailure = undefined;
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await publisher?.close();
  publisher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('pubsub.sqlite across processes', () => {
  it('delivers every message after the subscriber process is killed half-way and restarted', async () => {
    publisher = createSqlitePubSub({ logger });
    await publisher.init({ connectionString: 'bus.db' }, { appId: 'pub', cwd: dir });
    const total = 300;
    for (let i = 0; i < total; i++) await publisher.publish({ topic: 'orders', data: Buffer.from(String(i)) });

    const seen = new Set<string>();
    let deliveries = 0;
    const record = (line: string) => {
      deliveries++;
      seen.add(line);
    };
    const first = startChild(record);
    await waitUntil('half the messages', () => seen.size >= total / 2, 15000);
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    expect(seen.size).toBeLessThan(total);

    startChild(record);
    await waitUntil('every message after the restart', () => seen.size === total, 15000);
    expect(deliveries).toBeGreaterThanOrEqual(total);
  }, 40000);

  // Without file-change notifications only the poll is left: then there is nothing to test here.
  const itWhenWatchable = canWatchFolders() ? it : it.skip;
  itWhenWatchable('wakes a subscriber in another process on publish, long before its poll interval', async () => {
    publisher = createSqlitePubSub({ logger });
    await publisher.init({ connectionString: 'bus.db' }, { appId: 'pub', cwd: dir });
    const got: string[] = [];
    const child = startChild((line) => got.push(line), '60s');
    await waitUntil('the child subscribed', () => child.isReady(), 10000);
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await publisher.publish({ topic: 'orders', data: Buffer.from(String(i)) });
      await waitUntil(`message ${i}`, () => got.length === i + 1, 5000);
    }
    expect(Date.now() - started).toBeLessThan(15000);
  }, 20000);
});

function canWatchFolders(): boolean {
  try {
    watch(tmpdir()).close();
    return true;
  } catch {
    return false;
  }
}

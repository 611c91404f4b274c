/**
 * Scenario: 8 sidecars start at the same instant on ONE fresh SQLite file used by state.sqlite,
 * pubsub.sqlite and bindings.sqlite, while a CPU hog keeps every core busy; 20 rounds, each on a
 * new file. Every sidecar must come up healthy with no error in its log, and all of them must then
 * read and write through all three components.
 *
 * The race that used to fail start-up ("database is locked" well inside the busy timeout) is
 * one opener switching the fresh file to WAL while another is inside its first write: SQLite
 * refuses the switch at once instead of waiting. Sidecars starting together hit that window only
 * rarely, so the test process also plays a ninth opener that got there first: it holds the write
 * lock on the fresh file until a sidecar has run into it (logged a retry, or died), then lets go.
 */
import { join } from 'node:path';
import { openDatabase } from '../../../src/components/sqlite-driver';
import {
  componentYaml,
  startCpuHog,
  startSidecar,
  stopAll,
  tempDir,
  waitFor,
  waitForSidecar,
  type CpuHog,
  type Sidecar,
} from '@minidapr/testkit';

const SIDECARS = 8;
const ROUNDS = 20;

jest.setTimeout(240_000);

let hog: CpuHog | undefined;

beforeAll(async () => {
  hog = await startCpuHog();
});

afterAll(async () => {
  await hog?.stop();
  await stopAll();
});

function resources(db: string): Record<string, string> {
  return {
    'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: db, keyPrefix: 'name' }),
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: db }),
    'sqldb.yaml': componentYaml('sqldb', 'bindings.sqlite', { connectionString: db }),
  };
}

/** Log lines at level error or fatal (logfmt or JSON). */
function errorLines(output: string): string[] {
  return output.split('\n').filter((l) => /level=(error|fatal)\b|"level":(50|60)\b/.test(l));
}

function metLock(s: Sidecar): boolean {
  return s.process.child.exitCode !== null || /is locked by another connection/.test(s.process.output());
}

async function call(s: Sidecar, path: string, body?: unknown): Promise<Response> {
  return fetch(s.url + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Each sidecar saves a key and publishes a message; each then reads every key and counts every message. */
async function readWriteAll(sidecars: Sidecar[], round: number): Promise<void> {
  const topic = `opened-${round}`;
  await Promise.all(
    sidecars.map(async (s) => {
      expect((await call(s, '/v1.0/state/statestore', [{ key: s.appId, value: { round } }])).status).toBe(204);
      expect((await call(s, `/v1.0/publish/pubsub/${topic}`, { from: s.appId })).status).toBe(204);
    }),
  );
  const keys = sidecars.map((s) => s.appId);
  const count = { operation: 'query', metadata: { sql: 'SELECT COUNT(*) FROM pubsub_messages WHERE topic = $1', params: JSON.stringify([topic]) } };
  await Promise.all(
    sidecars.map(async (s) => {
      const bulk = (await (await call(s, '/v1.0/state/statestore/bulk', { keys })).json()) as Array<{ key: string; data?: { round: number } }>;
      expect(bulk.map((b) => [b.key, b.data?.round])).toEqual(keys.map((k) => [k, round]));
      expect(await (await call(s, '/v1.0/bindings/sqldb', count)).json()).toEqual([[SIDECARS]]);
    }),
  );
}

/** One round: returns the start-up failures (empty when every sidecar came up clean). */
async function round(n: number): Promise<string[]> {
  const dir = tempDir('minidapr-sqlite-first-open-');
  const db = join(dir.path, 'shared.db');
  const peer = openDatabase(db);
  peer.exec('BEGIN IMMEDIATE');
  let sidecars: Sidecar[] = [];
  try {
    sidecars = await Promise.all(
      Array.from({ length: SIDECARS }, (_, i) =>
        startSidecar({ appId: `opener-${i}`, resources: resources(db), waitFor: 'none', args: ['--log-level', 'debug'] }),
      ),
    );
    await waitFor('a sidecar to run into the held write lock', () => sidecars.some(metLock), { timeoutMs: 60_000 });
    peer.exec('COMMIT');
    peer.close();
    const started = await Promise.allSettled(sidecars.map((s) => waitForSidecar(s, { timeoutMs: 30_000 })));
    const failures: string[] = [];
    started.forEach((r, i) => {
      if (r.status === 'rejected') failures.push(`round ${n}, opener-${i}: ${(r.reason as Error).message.split('\n').slice(0, 4).join(' | ')}`);
    });
    for (const s of sidecars) failures.push(...errorLines(s.process.output()).map((l) => `round ${n}, ${s.appId} logged: ${l}`));
    if (failures.length === 0) await readWriteAll(sidecars, n);
    return failures;
  } finally {
    if (peer.open) peer.close();
    await Promise.all(sidecars.map((s) => s.stop()));
    dir.remove();
  }
}

it(`starts ${SIDECARS} sidecars on one fresh database at once, ${ROUNDS} rounds under CPU load, with no failure`, async () => {
  const failures: string[] = [];
  for (let n = 0; n < ROUNDS; n++) failures.push(...(await round(n)));
  expect(failures).toEqual([]);
});

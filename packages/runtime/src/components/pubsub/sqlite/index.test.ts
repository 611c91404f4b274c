/**
 * pubsub.sqlite: the shared pub/sub contract (on a file in the test's temp directory), plus
 * metadata, several instances on one file (consumer groups, competing members, crash
 * redelivery, backlog), trimming, TTL expiry and retention.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPubSubContract } from '@minidapr/testkit';
import { openDatabase } from '../../sqlite-driver';
import { MetadataError } from '../../errors';
import type { HandlerResult, Message } from '../contract';
import { createSqlitePubSub, parseSqlitePubSubMetadata, type SqlitePubSub } from '.';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const text = (m: Message) => m.data.toString('utf8');

let dir: string;
const open: SqlitePubSub[] = [];

/** Each instance is what one sidecar process would hold; several share one file. */
async function broker(appId: string, metadata: Record<string, string> = {}): Promise<SqlitePubSub> {
  const ps = createSqlitePubSub({ logger });
  await ps.init({ connectionString: 'bus.db', pollInterval: '20ms', redeliverInterval: '20ms', ...metadata }, { appId, cwd: dir });
  open.push(ps);
  return ps;
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads the shared file directly: how many claimed/retried messages a group still owes. */
function pendingCount(group?: string): number {
  const db = openDatabase(join(dir, 'bus.db'), { readonly: true });
  try {
    const sql = 'SELECT COUNT(*) AS n FROM pubsub_pending' + (group ? ' WHERE consumer_group = ?' : '');
    return (db.prepare(sql).get(...(group ? [group] : [])) as { n: number }).n;
  } finally {
    db.close();
  }
}

function offset(group: string, topic: string): number {
  const db = openDatabase(join(dir, 'bus.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT last_id FROM pubsub_offsets WHERE consumer_group = ? AND topic = ?').get(group, topic);
    return (row as { last_id: number } | undefined)?.last_id ?? -1;
  } finally {
    db.close();
  }
}

/** Everything published on `topic` so far has been acknowledged by `group`. */
function drained(group: string, topic: string, published: number): boolean {
  return offset(group, topic) >= published && pendingCount(group) === 0;
}

function collect(into: string[], result: HandlerResult = 'success') {
  return async (m: Message): Promise<HandlerResult> => {
    into.push(text(m));
    return result;
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minidapr-pubsub-sqlite-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

runPubSubContract({
  name: 'pubsub.sqlite',
  factory: () => createSqlitePubSub({ logger }),
  metadata: { connectionString: 'bus.db', pollInterval: '20ms', redeliverInterval: '20ms' },
  context: () => ({ appId: 'contract', cwd: dir }),
  ordered: true,
  quietMs: 300,
  expectedFeatures: ['MESSAGE_TTL'],
});

describe('pubsub.sqlite metadata', () => {
  const fieldOf = (raw: Record<string, string>, appId = 'app') => {
    try {
      parseSqlitePubSubMetadata({ connectionString: 'x.db', ...raw }, '/base', appId);
    } catch (err) {
      expect(err).toBeInstanceOf(MetadataError);
      expect((err as Error).message).toContain('pubsub.sqlite');
      return (err as MetadataError).field;
    }
    return 'no error';
  };

  it('requires connectionString and names the field', async () => {
    const ps = createSqlitePubSub({ logger });
    const err = await ps.init({}, { appId: 'a', cwd: dir }).catch((e: unknown) => e);
    expect((err as MetadataError).field).toBe('connectionString');
    expect(fieldOf({ connectionString: ':memory:' })).toBe('connectionString');
  });

  it('rejects bad values, naming the field', () => {
    expect(fieldOf({ processingTimeout: 'soon' })).toBe('processingTimeout');
    expect(fieldOf({ processingTimeout: '0s' })).toBe('processingTimeout');
    expect(fieldOf({ redeliverInterval: 'x' })).toBe('redeliverInterval');
    expect(fieldOf({ pollInterval: '0' })).toBe('pollInterval');
    expect(fieldOf({ concurrency: '0' })).toBe('concurrency');
    expect(fieldOf({ concurrency: '2.5' })).toBe('concurrency');
    expect(fieldOf({ maxLen: '-1' })).toBe('maxLen');
    expect(fieldOf({ retentionPeriod: 'long' })).toBe('retentionPeriod');
    expect(fieldOf({ busyTimeout: 'x' })).toBe('busyTimeout');
    expect(fieldOf({}, '')).toBe('consumerID');
  });

  it('defaults consumerID to the app id and resolves the file against cwd', () => {
    const cfg = parseSqlitePubSubMetadata({ connectionString: 'data/bus.db' }, '/base', 'orders');
    expect(cfg).toMatchObject({
      file: join('/base', 'data', 'bus.db'),
      consumerID: 'orders',
      processingTimeoutMs: 15000,
      redeliverIntervalMs: 2000,
      pollIntervalMs: 200,
      concurrency: 10,
      busyTimeoutMs: 2000,
    });
    expect(parseSqlitePubSubMetadata({ connectionString: 'file:bus.db', consumerID: 'g' }, '/base', 'a')).toMatchObject({
      file: join('/base', 'bus.db'),
      consumerID: 'g',
    });
  });

  it('creates parent folders of the database file', async () => {
    await broker('a', { connectionString: join('nested', 'deeper', 'bus.db') });
    expect(existsSync(join(dir, 'nested', 'deeper', 'bus.db'))).toBe(true);
  });
});

describe('pubsub.sqlite delivery', () => {
  it('delivers data and metadata to a subscriber in another instance', async () => {
    const sub = await broker('checkout');
    const pub = await broker('publisher');
    const got: Message[] = [];
    await sub.subscribe({ topic: 'orders' }, async (m) => (got.push(m), 'success'));
    await pub.publish({ topic: 'orders', data: Buffer.from([0, 1, 255]), metadata: { traceparent: 'tp', 'x-k': 'v' } });
    await pub.publish({ topic: 'other', data: Buffer.from('ignored') });
    await waitUntil('delivery', () => got.length === 1);
    expect(got[0]).toEqual({ topic: 'orders', data: Buffer.from([0, 1, 255]), metadata: { traceparent: 'tp', 'x-k': 'v' } });
    await waitUntil('ack', () => drained('checkout', 'orders', 1));
  });

  it('fans out to every consumer group', async () => {
    const a: string[] = [];
    const b: string[] = [];
    await (await broker('app-a')).subscribe({ topic: 't' }, collect(a));
    await (await broker('app-b')).subscribe({ topic: 't' }, collect(b));
    const pub = await broker('pub');
    for (let i = 0; i < 5; i++) await pub.publish({ topic: 't', data: Buffer.from(String(i)) });
    await waitUntil('both groups', () => a.length === 5 && b.length === 5);
    expect(a.sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(b.sort()).toEqual(['0', '1', '2', '3', '4']);
  });

  it('splits messages between members of one group, each exactly once when all succeed', async () => {
    const one: string[] = [];
    const two: string[] = [];
    await (await broker('workers')).subscribe({ topic: 'jobs' }, collect(one));
    await (await broker('workers')).subscribe({ topic: 'jobs' }, collect(two));
    const pub = await broker('pub');
    for (let i = 0; i < 50; i++) await pub.publish({ topic: 'jobs', data: Buffer.from(String(i)) });
    await waitUntil('group drained', () => drained('workers', 'jobs', 50));
    const all = [...one, ...two];
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(50);
  });

  it('redelivers to another member after processingTimeout when the first one dies without acking', async () => {
    const meta = { processingTimeout: '300ms' };
    const crashing = await broker('app', meta);
    let firstAt = 0;
    await crashing.subscribe({ topic: 't' }, () => {
      firstAt = Date.now();
      return new Promise<HandlerResult>(() => {});
    });
    await crashing.publish({ topic: 't', data: Buffer.from('m') });
    await waitUntil('first delivery', () => firstAt > 0);
    await crashing.close();

    const survivor = await broker('app', meta);
    let secondAt = 0;
    await survivor.subscribe({ topic: 't' }, async () => ((secondAt = Date.now()), 'success'));
    await waitUntil('redelivery', () => secondAt > 0);
    expect(secondAt - firstAt).toBeGreaterThanOrEqual(250);
    await waitUntil('ack', () => drained('app', 't', 1));
  });

  it('gives a new group the retained backlog and a returning group what it missed', async () => {
    const pub = await broker('pub');
    for (const t of ['a', 'b', 'c']) await pub.publish({ topic: 't', data: Buffer.from(t) });
    const first: string[] = [];
    const sub = await broker('late', { concurrency: '1' });
    await sub.subscribe({ topic: 't' }, collect(first));
    await waitUntil('backlog', () => drained('late', 't', 3));
    expect(first).toEqual(['a', 'b', 'c']);
    await sub.close();

    await pub.publish({ topic: 't', data: Buffer.from('d') });
    const again: string[] = [];
    await (await broker('late')).subscribe({ topic: 't' }, collect(again));
    await waitUntil('missed message', () => again.length === 1);
    expect(again).toEqual(['d']);
  });

  it('delivers 1,000 messages across two members with some retries, losing none', async () => {
    const seen = new Set<string>();
    const failedOnce = new Set<string>();
    const handler = async (m: Message): Promise<HandlerResult> => {
      const t = text(m);
      if (Number(t) % 97 === 0 && !failedOnce.has(t)) {
        failedOnce.add(t);
        return 'retry';
      }
      seen.add(t);
      return 'success';
    };
    await (await broker('bulk', { redeliverInterval: '10ms' })).subscribe({ topic: 'many' }, handler);
    await (await broker('bulk', { redeliverInterval: '10ms' })).subscribe({ topic: 'many' }, handler);
    const pub = await broker('pub');
    for (let i = 0; i < 1000; i++) await pub.publish({ topic: 'many', data: Buffer.from(String(i)) });
    await waitUntil('all 1,000', () => seen.size === 1000, 20000);
    await waitUntil('group drained', () => drained('bulk', 'many', 1000));
  }, 30000);

  it('trims only messages every group has acknowledged', async () => {
    const pub = await broker('pub', { maxLen: '0' });
    const got: string[] = [];
    await (await broker('fast')).subscribe({ topic: 't' }, collect(got));
    const slow = await broker('slow', { processingTimeout: '200ms' });
    await slow.subscribe({ topic: 't' }, () => new Promise<HandlerResult>(() => {}));
    for (const t of ['1', '2']) await pub.publish({ topic: 't', data: Buffer.from(t) });
    await waitUntil('fast drained', () => drained('fast', 't', 2) && offset('slow', 't') === 2);
    expect(pub.trim()).toBe(0);
    await pub.publish({ topic: 'u', data: Buffer.from('x') });
    await (await broker('only')).subscribe({ topic: 'u' }, collect(got));
    await waitUntil('u drained', () => drained('only', 'u', 3));
    expect(pub.trim()).toBe(1);
    // A group that subscribed (then went away) before the next publish still holds it back.
    await (await (await broker('idle')).subscribe({ topic: 'u' }, collect([])))();
    await pub.publish({ topic: 'u', data: Buffer.from('y') });
    await waitUntil('only drained again', () => drained('only', 'u', 4));
    expect(pub.trim()).toBe(0);
  });

  it('drops messages whose ttlInSeconds passed before delivery, also when trimming', async () => {
    const ps = await broker('app');
    await ps.publish({ topic: 't', data: Buffer.from('old'), metadata: { ttlInSeconds: '1' } });
    await ps.publish({ topic: 't', data: Buffer.from('fresh'), metadata: { ttlInSeconds: '3600' } });
    expect(ps.trim(Date.now() + 1500)).toBe(1);
    await ps.publish({ topic: 't', data: Buffer.from('stale'), metadata: { ttlInSeconds: '1' } });
    const db = openDatabase(join(dir, 'bus.db'));
    db.prepare('UPDATE pubsub_messages SET expires_at = 1 WHERE data = ?').run(Buffer.from('stale'));
    db.close();
    await ps.publish({ topic: 't', data: Buffer.from('last') });
    const got: string[] = [];
    await ps.subscribe({ topic: 't' }, collect(got));
    await waitUntil('drained', () => drained('app', 't', 4));
    expect(got).toEqual(['fresh', 'last']);
    await expect(ps.publish({ topic: 't', data: Buffer.from('x'), metadata: { ttlInSeconds: '0' } })).rejects.toThrow('ttlInSeconds');
  });

  it('trims acknowledged messages older than retentionPeriod', async () => {
    const ps = await broker('app', { retentionPeriod: '1h' });
    const got: string[] = [];
    await ps.subscribe({ topic: 't' }, collect(got));
    for (const t of ['1', '2']) await ps.publish({ topic: 't', data: Buffer.from(t) });
    await waitUntil('drained', () => drained('app', 't', 2));
    expect(ps.trim()).toBe(0);
    expect(ps.trim(Date.now() + 2 * 3600_000)).toBe(2);
    await ps.publish({ topic: 't', data: Buffer.from('3') });
    await waitUntil('delivery after a trim', () => got.length === 3);
  });
});

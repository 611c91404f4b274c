/**
 * @module components/pubsub/sqlite/store
 * The SQL side of pubsub.sqlite. Three tables: messages (append-only log, ids in publish order),
 * offsets (per consumer group and topic, the highest id already handed to a member) and pending
 * (claimed or retried messages not yet acknowledged, like a Redis stream's PEL). Every claim runs
 * in one IMMEDIATE transaction, so processes sharing the file never both hold a live claim on a
 * message.
 */
import type Database from 'better-sqlite3';
import { openSqlite } from '../../sqlite-connection';
import type { Logger } from '../../types';

export interface StoredMessage {
  id: number;
  topic: string;
  data: Buffer;
  metadata?: Record<string, string>;
}

export interface ClaimRequest {
  group: string;
  topic: string;
  /** Identifies the claiming subscription (unique per process and subscription). */
  owner: string;
  max: number;
  now: number;
  /** When the claim lapses and another member may take the message. */
  expiresAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pubsub_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  data BLOB NOT NULL,
  content_type TEXT,
  metadata TEXT,
  published_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS pubsub_messages_topic_id ON pubsub_messages (topic, id);
CREATE INDEX IF NOT EXISTS pubsub_messages_expiry ON pubsub_messages (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS pubsub_offsets (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  last_id INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic)
);
CREATE TABLE IF NOT EXISTS pubsub_pending (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  claimed_by TEXT,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic, message_id)
);
CREATE INDEX IF NOT EXISTS pubsub_pending_message ON pubsub_pending (topic, message_id);
`;

/** A pending row is ours to (re)deliver when it is due and not held by this same subscription. */
const DUE = `consumer_group = @group AND topic = @topic AND due_at <= @now AND (claimed_by IS NULL OR claimed_by <> @owner)`;

type Statement = Database.Statement<unknown[], unknown>;

interface ProbeRow {
  last_id: number | null;
  max_id: number | null;
  next_due: number | null;
}

interface MessageRow {
  id: number;
  topic: string;
  data: Buffer;
  metadata: string | null;
  expires_at: number | null;
}

export class BrokerStore {
  private readonly s: Record<
    | 'publish'
    | 'probe'
    | 'ensureOffset'
    | 'reclaim'
    | 'claimNew'
    | 'advance'
    | 'load'
    | 'ack'
    | 'release'
    | 'topics'
    | 'floor'
    | 'lenCut'
    | 'trim'
    | 'expire',
    Statement
  >;
  private readonly claimTx: (req: ClaimRequest) => StoredMessage[];

  /** Opens (creating if needed) the broker file, waiting out other processes that open it at the same moment. */
  static async open(file: string, busyTimeoutMs: number, logger?: Pick<Logger, 'debug'>): Promise<BrokerStore> {
    const db = await openSqlite({ file, busyTimeoutMs, schema: (conn) => conn.exec(SCHEMA), logger });
    try {
      return new BrokerStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(private readonly db: Database.Database) {
    this.s = {
      publish: db.prepare(
        'INSERT INTO pubsub_messages (topic, data, content_type, metadata, published_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      probe: db.prepare(`SELECT
        (SELECT last_id FROM pubsub_offsets WHERE consumer_group = @group AND topic = @topic) AS last_id,
        (SELECT MAX(id) FROM pubsub_messages WHERE topic = @topic) AS max_id,
        (SELECT MIN(due_at) FROM pubsub_pending WHERE consumer_group = @group AND topic = @topic
           AND (claimed_by IS NULL OR claimed_by <> @owner)) AS next_due`),
      // A new group starts at the oldest retained message (as Dapr's Redis creates groups from 0).
      ensureOffset: db.prepare('INSERT OR IGNORE INTO pubsub_offsets (consumer_group, topic, last_id) VALUES (@group, @topic, 0)'),
      reclaim: db.prepare(`UPDATE pubsub_pending SET claimed_by = @owner, due_at = @expiresAt, attempts = attempts + 1
        WHERE consumer_group = @group AND topic = @topic AND message_id IN
          (SELECT message_id FROM pubsub_pending WHERE ${DUE} ORDER BY message_id LIMIT @max)
        RETURNING message_id`),
      claimNew: db.prepare(`INSERT INTO pubsub_pending (consumer_group, topic, message_id, claimed_by, due_at, attempts)
        SELECT @group, @topic, id, @owner, @expiresAt, 1 FROM pubsub_messages
        WHERE topic = @topic AND id > (SELECT last_id FROM pubsub_offsets WHERE consumer_group = @group AND topic = @topic)
        ORDER BY id LIMIT @max
        RETURNING message_id`),
      advance: db.prepare(
        'UPDATE pubsub_offsets SET last_id = MAX(last_id, @last) WHERE consumer_group = @group AND topic = @topic',
      ),
      load: db.prepare('SELECT id, topic, data, metadata, expires_at FROM pubsub_messages WHERE id = ?'),
      ack: db.prepare('DELETE FROM pubsub_pending WHERE consumer_group = ? AND topic = ? AND message_id = ?'),
      release: db.prepare(`UPDATE pubsub_pending SET claimed_by = NULL, due_at = @dueAt
        WHERE consumer_group = @group AND topic = @topic AND message_id = @id AND claimed_by = @owner`),
      topics: db.prepare('SELECT DISTINCT topic FROM pubsub_offsets'),
      floor: db.prepare(`SELECT MIN(
          (SELECT MIN(last_id) FROM pubsub_offsets WHERE topic = @topic),
          COALESCE((SELECT MIN(message_id) - 1 FROM pubsub_pending WHERE topic = @topic), 9007199254740991)
        ) AS upto`),
      lenCut: db.prepare('SELECT id FROM pubsub_messages WHERE topic = ? ORDER BY id DESC LIMIT 1 OFFSET ?'),
      trim: db.prepare(
        'DELETE FROM pubsub_messages WHERE topic = @topic AND id <= @upto AND (published_at < @cutoff OR id <= @lenCut)',
      ),
      expire: db.prepare('DELETE FROM pubsub_messages WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    };
    this.claimTx = db.transaction((req: ClaimRequest) => this.claimLocked(req)).immediate;
  }

  close(): void {
    this.db.close();
  }

  /** `expiresAt` (epoch ms): from then on the message is never delivered and may be deleted. */
  publish(
    topic: string,
    data: Buffer,
    contentType: string | undefined,
    metadata: Record<string, string> | undefined,
    expiresAt: number | undefined,
  ): void {
    const meta = metadata && Object.keys(metadata).length > 0 ? JSON.stringify(metadata) : null;
    this.s.publish.run(topic, data, contentType ?? null, meta, Date.now(), expiresAt ?? null);
  }

  /**
   * Records a consumer group's position on subscribe (if new: before the oldest retained message),
   * so trimming accounts for the group even before its first claim.
   */
  join(group: string, topic: string): void {
    this.s.ensureOffset.run({ group, topic });
  }

  /**
   * One cheap read: is there anything to claim now, and when is the next retried or expired
   * message due? Runs without taking the write lock.
   */
  probe(group: string, topic: string, owner: string, now: number): { ready: boolean; nextDue?: number } {
    const row = this.s.probe.get({ group, topic, owner }) as ProbeRow;
    const fresh = row.max_id !== null && (row.last_id === null || row.max_id > row.last_id);
    const due = row.next_due !== null && row.next_due <= now;
    return { ready: fresh || due, nextDue: row.next_due ?? undefined };
  }

  /** Claims up to `max` messages: due retries and lapsed claims first, then new ones in id order. */
  claim(req: ClaimRequest): StoredMessage[] {
    return this.claimTx(req);
  }

  private claimLocked(req: ClaimRequest): StoredMessage[] {
    const params = { group: req.group, topic: req.topic, owner: req.owner, now: req.now, expiresAt: req.expiresAt, max: req.max };
    this.s.ensureOffset.run(params);
    const ids = (this.s.reclaim.all(params) as { message_id: number }[]).map((r) => r.message_id);
    if (ids.length < req.max) {
      const fresh = (this.s.claimNew.all({ ...params, max: req.max - ids.length }) as { message_id: number }[]).map(
        (r) => r.message_id,
      );
      if (fresh.length > 0) this.s.advance.run({ group: req.group, topic: req.topic, last: Math.max(...fresh) });
      ids.push(...fresh);
    }
    const out: StoredMessage[] = [];
    for (const id of ids.sort((a, b) => a - b)) {
      const row = this.s.load.get(id) as MessageRow | undefined;
      if (!row || (row.expires_at !== null && row.expires_at <= req.now)) {
        // Expired (and perhaps already deleted by trim): settled without delivery, as a TTL promises.
        this.s.ack.run(req.group, req.topic, id);
        continue;
      }
      const msg: StoredMessage = { id: row.id, topic: row.topic, data: row.data };
      if (row.metadata !== null) msg.metadata = JSON.parse(row.metadata) as Record<string, string>;
      out.push(msg);
    }
    return out;
  }

  /** Success or drop: the message is done for this group, whoever holds the claim now. */
  ack(group: string, topic: string, id: number): void {
    this.s.ack.run(group, topic, id);
  }

  /** Retry: hand the claim back so any member may take it from `dueAt` on. No-op if the claim was lost. */
  release(group: string, topic: string, id: number, owner: string, dueAt: number): void {
    this.s.release.run({ group, topic, id, owner, dueAt });
  }

  /**
   * Deletes expired messages, and messages every known consumer group has acknowledged that are
   * older than `cutoff` (epoch ms) or beyond the newest `maxLen` of their topic. Returns the count.
   */
  trim(now: number, cutoff: number | undefined, maxLen: number | undefined): number {
    return this.db
      .transaction(() => {
        let deleted = this.s.expire.run(now).changes;
        if (cutoff === undefined && maxLen === undefined) return deleted;
        for (const { topic } of this.s.topics.all() as { topic: string }[]) {
          const { upto } = this.s.floor.get({ topic }) as { upto: number | null };
          if (upto === null || upto <= 0) continue;
          let lenCut = 0;
          if (maxLen !== undefined) lenCut = (this.s.lenCut.get(topic, maxLen) as { id: number } | undefined)?.id ?? 0;
          deleted += this.s.trim.run({ topic, upto, cutoff: cutoff ?? 0, lenCut }).changes;
        }
        return deleted;
      })
      .immediate();
  }
}

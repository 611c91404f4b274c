/**
 * @module collector/span-store
 * The SQLite span store (better-sqlite3, WAL): one row per span with the columns queries need,
 * the span itself as JSON. Several processes may open the same file: WAL lets readers run beside one
 * writer, and a busy timeout covers two writers. Retention is by count and by receive age, pruned
 * every `pruneEvery` inserted spans or every PRUNE_INTERVAL_MS, never per row.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '@minidapr/runtime';
import { dependencyLinks } from './dependencies';
import { normalizeSpans, normalizeTraceId, traceKey } from './normalize';
import { candidateSql, spanTerms } from './trace-candidates';
import { resolveTraceQuery, traceMatches, traceTimestamp, type ResolvedTraceQuery } from './trace-query';
import type { DependencyLink, SpanStore, SpanStoreOptions, TraceQuery, ZipkinSpan } from './types';

export const DEFAULT_MAX_SPANS = 100_000;
export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SPANS_SINCE_LIMIT = 10_000;
const PRUNE_INTERVAL_MS = 30_000;
/** How many candidate traces one SQL page fetches before the exact Zipkin test filters them. */
const CANDIDATE_PAGE = 200;

/** `<home>/traces/spans.db`. */
export function defaultSpanStorePath(home: string): string {
  return join(home, 'traces', 'spans.db');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spans (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  trace_key TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  service TEXT NOT NULL,
  remote_service TEXT NOT NULL,
  name TEXT NOT NULL,
  ts INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  terms TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS spans_identity ON spans (trace_id, span_id, kind, service, ts, name);
CREATE INDEX IF NOT EXISTS spans_trace ON spans (trace_key);
CREATE INDEX IF NOT EXISTS spans_ts ON spans (ts);
CREATE INDEX IF NOT EXISTS spans_service_ts ON spans (service, ts);
CREATE INDEX IF NOT EXISTS spans_service_name ON spans (service, name);
CREATE INDEX IF NOT EXISTS spans_service_remote ON spans (service, remote_service);
`;
/** Bumped when SCHEMA changes: spans are a cache of recent activity, so an old file is emptied, not migrated. */
const SCHEMA_VERSION = 1;

interface JsonRow {
  json: string;
}

/** Opens (creating when needed) the span store at `opts.path`. */
export function openSpanStore(opts: SpanStoreOptions): SpanStore {
  const maxSpans = opts.maxSpans ?? DEFAULT_MAX_SPANS;
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  if (!(maxSpans > 0) || !(maxAgeMs > 0)) throw new Error('openSpanStore: maxSpans and maxAgeMs must be positive (programming error)');
  mkdirSync(dirname(opts.path), { recursive: true });
  // The runtime's loader picks better-sqlite3 13 on Node 22+ (12 aborts the process on Node 24 when a
  // collected statement is finalised during teardown) and 12 on Node 20.
  const db = openDatabase(opts.path);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.transaction(() => {
    if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
      db.exec('DROP TABLE IF EXISTS spans');
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
  }).immediate();

  const insert = db.prepare(
    `INSERT OR IGNORE INTO spans (trace_key, trace_id, span_id, kind, service, remote_service, name, ts, duration, terms, received_ms, json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byTrace = db.prepare<[string], JsonRow>('SELECT json FROM spans WHERE trace_key = ? ORDER BY ts, seq');
  const servicesStmt = db.prepare<[], { service: string }>("SELECT DISTINCT service FROM spans WHERE service <> '' ORDER BY service");
  const namesStmt = db.prepare<[string], { name: string }>("SELECT DISTINCT name FROM spans WHERE service = ? AND name <> '' ORDER BY name");
  const remotesStmt = db.prepare<[string], { remote_service: string }>(
    "SELECT DISTINCT remote_service FROM spans WHERE service = ? AND remote_service <> '' ORDER BY remote_service",
  );
  const countStmt = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM spans');
  const candidateStatements = new Map<string, Database.Statement<(string | number)[], { trace_key: string }>>();
  const candidates = (q: ResolvedTraceQuery, offset: number): string[] => {
    const c = candidateSql(q);
    let stmt = candidateStatements.get(c.key);
    if (!stmt) {
      stmt = db.prepare<(string | number)[], { trace_key: string }>(c.sql);
      candidateStatements.set(c.key, stmt);
    }
    return stmt.all(...c.params, CANDIDATE_PAGE, offset).map((r) => r.trace_key);
  };
  const sinceStmt = db.prepare<[number, number], JsonRow>(
    'SELECT json FROM (SELECT json, ts, seq FROM spans WHERE ts >= ? ORDER BY ts DESC, seq DESC LIMIT ?) ORDER BY ts, seq',
  );
  const windowSpans = db.prepare<[number, number], JsonRow & { trace_key: string }>(
    'SELECT trace_key, json FROM spans WHERE trace_key IN (SELECT trace_key FROM spans WHERE ts BETWEEN ? AND ?)',
  );
  // Receive times grow with seq: everything before the first young row is old (no index needed).
  const firstYoung = db.prepare<[number], { seq: number }>('SELECT seq FROM spans WHERE received_ms >= ? ORDER BY seq LIMIT 1');
  const pruneBefore = db.prepare('DELETE FROM spans WHERE seq < ?');
  const pruneAll = db.prepare('DELETE FROM spans');
  const pruneCount = db.prepare('DELETE FROM spans WHERE seq < (SELECT seq FROM spans ORDER BY seq DESC LIMIT 1 OFFSET ?)');

  const pruneEvery = Math.min(1000, Math.max(1, Math.ceil(maxSpans / 20)));
  let insertedSincePrune = 0;
  let lastPrune = 0;
  const listeners = new Set<(spans: ZipkinSpan[]) => void>();

  const prune = db.transaction((now: number) => {
    const young = firstYoung.get(now - maxAgeMs);
    if (young) pruneBefore.run(young.seq);
    else pruneAll.run();
    pruneCount.run(maxSpans - 1);
  });

  const insertBatch = db.transaction((spans: ZipkinSpan[], now: number) => {
    for (const s of spans) {
      insert.run(
        traceKey(s.traceId), s.traceId, s.id, s.kind ?? '', s.localEndpoint?.serviceName ?? '', s.remoteEndpoint?.serviceName ?? '',
        s.name ?? '', s.timestamp ?? 0, s.duration ?? 0, spanTerms(s), now, JSON.stringify(s),
      );
    }
  });

  const loadTrace = (key: string): ZipkinSpan[] => byTrace.all(key).map((r) => JSON.parse(r.json) as ZipkinSpan);

  return {
    add(input) {
      const spans = normalizeSpans(input);
      if (spans.length === 0) return;
      const now = Date.now();
      insertBatch(spans, now);
      insertedSincePrune += spans.length;
      if (insertedSincePrune >= pruneEvery || now - lastPrune >= PRUNE_INTERVAL_MS) {
        prune(now);
        insertedSincePrune = 0;
        lastPrune = now;
      }
      for (const l of listeners) {
        try {
          l(spans);
        } catch {
          // A listener's failure must not fail the ingest that already committed.
        }
      }
    },
    traces(query: TraceQuery) {
      const q = resolveTraceQuery(query);
      const out: ZipkinSpan[][] = [];
      for (let offset = 0; out.length < q.limit; offset += CANDIDATE_PAGE) {
        const page = candidates(q, offset);
        for (const key of page) {
          const spans = loadTrace(key);
          if (traceMatches(q, spans)) out.push(spans);
          if (out.length >= q.limit) break;
        }
        if (page.length < CANDIDATE_PAGE) break;
      }
      // Newest first by the trace's own timestamp (its root's), as Zipkin orders results.
      out.sort((a, b) => traceTimestamp(b) - traceTimestamp(a));
      return out;
    },
    trace(traceId) {
      const spans = loadTrace(traceKey(normalizeTraceId(traceId)));
      return spans.length > 0 ? spans : undefined;
    },
    services: () => servicesStmt.all().map((r) => r.service),
    spanNames: (serviceName) => namesStmt.all(serviceName.toLowerCase()).map((r) => r.name),
    remoteServices: (serviceName) => remotesStmt.all(serviceName.toLowerCase()).map((r) => r.remote_service),
    dependencies(endTs, lookback): DependencyLink[] {
      const traces = new Map<string, ZipkinSpan[]>();
      for (const row of windowSpans.iterate((endTs - lookback) * 1000, endTs * 1000)) {
        const list = traces.get(row.trace_key) ?? [];
        list.push(JSON.parse(row.json) as ZipkinSpan);
        traces.set(row.trace_key, list);
      }
      return dependencyLinks(traces.values());
    },
    spansSince(sinceEpochMs, limit = DEFAULT_SPANS_SINCE_LIMIT) {
      return sinceStmt.all(sinceEpochMs * 1000, limit).map((r) => JSON.parse(r.json) as ZipkinSpan);
    },
    count: () => countStmt.get()?.n ?? 0,
    onSpans(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      if (db.open) db.close();
    },
  };
}

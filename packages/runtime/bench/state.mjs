#!/usr/bin/env node
// minidaprd state API benchmark (target 7 of docs/targets.md, method of section 1.5).
//
//   node packages/runtime/bench/state.mjs                       full run (~14 min with every store)
//   BENCH_DURATION=10 node packages/runtime/bench/state.mjs     quick run (~8 min)
//   node packages/runtime/bench/state.mjs --json results.json   also write the results as JSON
//
// For each store (state.in-memory, state.sqlite, state.redis, state.postgresql) one sidecar is
// started with that store as the component "statestore", next to a baseline: a plain node:http
// server (child process) doing the same operation directly with the store's client library
// (in-memory: a Map; sqlite: better-sqlite3 prepared statements on its own temp file, WAL;
// redis: ioredis HGET / HSET; postgresql: a pg.Pool SELECT / INSERT ... ON CONFLICT), answering
// the same routes. Both are measured the same way, interleaved (baseline, then sidecar):
//   GET   GET  /v1.0/state/statestore/bench-key            (a seeded value of about 1 KiB)
//   SAVE  POST /v1.0/state/statestore  [{"key":"k","value":{"data":"x..."}}]   (1024-byte body)
// Schedule per store, operation and repeat: warm-up BENCH_WARMUP_RPS (100) rps / 16 conns /
// BENCH_WARMUP (5) s, then BENCH_RPS (1000) rps / 16 conns / BENCH_DURATION (30) s; each
// percentile is the median over BENCH_REPEATS (1) repeats. Then closed-loop saturation (hey
// without -q) for BENCH_SAT_DURATION (10) s after a 2 s warm-up. Sidecar (and baseline) CPU from
// /proc/<pid>/stat over each measured window, RSS (VmRSS) at 1 Hz, idle RSS before any request.
// Load: `hey` pinned to core 0; the sidecar and the baseline server pinned to core 1 (taskset).
// The Redis and PostgreSQL servers are not started here and are not pinned.
//
// Isolation: the sidecar gets a unique app id, so its Redis keys are "<app id>||<key>"; the
// baseline uses its own unique prefix; both key sets are deleted afterwards. PostgreSQL gets unique
// table names (sidecar table, its metadata table, baseline table), dropped afterwards. SQLite files
// live in a temp dir. If Redis or PostgreSQL is unreachable, that store is skipped with the reason.
//
// Errors: non-2xx responses plus responses the server sent that hey never recorded (hey's CSV
// omits socket errors); the sidecar's count comes from its dapr_http_server_request_count metric,
// the baseline's from its own counter. hey prints latencies in 0.1 ms steps (percentiles are
// interpolated inside a step) and, with -q, its 16 workers tick in phase: requests arrive in bursts
// of 16 every 16 ms (see BENCHMARKS.md).
//
// Environment knobs: BENCH_DURATION (30), BENCH_REPEATS (1), BENCH_WARMUP (5), BENCH_WARMUP_RPS
// (100), BENCH_RPS (1000), BENCH_CONNS (16), BENCH_SAT_DURATION (10), BENCH_STORES (comma list of
// in-memory,sqlite,redis,postgresql), BENCH_SATURATION=0 (skip the closed-loop runs), BENCH_REDIS (127.0.0.1:6379), BENCH_PG (libpq keyword/value
// string, default "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"),
// BENCH_SIDECAR_ARGS, BENCH_NODE_ARGS (default --max-semi-space-size=2), BENCH_NO_PIN=1,
// BENCH_KEEP_TMP=1, BENCH_STRICT=1 (exit 2 when target 7 fails).
//
// Node built-ins plus the runtime's own dependencies (better-sqlite3, ioredis, pg), loaded only
// for the store that needs them. Shared helpers live in bench/lib.mjs. Everything started here
// runs in its own process group and is killed on exit, on Ctrl-C and on errors.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LOAD_CORE,
  SUT_CORE,
  cleanup,
  detectPin,
  envNum,
  exited,
  f3,
  fatal,
  freePorts,
  initClkTck,
  installCleanupHandlers,
  isInterrupted,
  keepTmp,
  log,
  mean,
  median,
  onCleanup,
  pad,
  padR,
  parseHeyCsv,
  procRssMb,
  request,
  setTmpDir,
  sign3,
  spawnTracked,
  startSampler,
  stopChild,
  waitFor,
} from './lib.mjs';
import { exitWithParent, finishRun, minidaprdBin, parseBenchArgs, redisAddress, requireHey } from './cli.mjs';

const SELF = fileURLToPath(import.meta.url);
const STORE = 'statestore';
const GET_KEY = 'bench-key';
const SAVE_KEY = 'k';
const BODY_BYTES = 1024;
const STORES = ['in-memory', 'sqlite', 'redis', 'postgresql'];
const OPS = ['get', 'save'];
const OP_LABEL = { get: 'GET', save: 'SAVE' };
const DEFAULT_PG = 'host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable';

/** libpq keyword/value string (unquoted values only) -> pg client options. */
function pgOptions(conn) {
  const kv = Object.fromEntries(
    conn
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i), p.slice(i + 1)];
      }),
  );
  return {
    host: kv.host ?? kv.hostaddr,
    port: kv.port ? Number(kv.port) : undefined,
    user: kv.user,
    password: kv.password,
    database: kv.dbname,
    ssl: !kv.sslmode || ['disable', 'allow', 'prefer'].includes(kv.sslmode) ? false : { rejectUnauthorized: false },
  };
}

// ---------------------------------------------------------------------------------------------
// Baseline: a plain node:http server answering the sidecar's two routes with the store's client
// library directly. Values are stored as the JSON text of "value" (what the sidecar stores for a
// JSON value); GET returns it with 200, or 204 when missing; SAVE returns 204. GET /__count reports
// how many state requests it answered (to spot responses hey never recorded).
async function runBaseline(port, kind, confJson) {
  const conf = JSON.parse(confJson);
  const k = (key) => `${conf.prefix}||${key}`;
  let get;
  let save;
  if (kind === 'in-memory') {
    const m = new Map();
    get = (key) => m.get(key);
    save = (key, value) => void m.set(key, value);
  } else if (kind === 'sqlite') {
    // The same build of better-sqlite3 the sidecar loads on this Node.
    const { sqliteDriver } = await import('../dist/components/sqlite-driver.js');
    const { Database } = sqliteDriver();
    const db = new Database(conf.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // what state.sqlite sets with WAL
    // The same table shape and statements as state.sqlite (without the TTL condition's parameter).
    db.exec(
      'CREATE TABLE IF NOT EXISTS state (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL, is_binary INTEGER NOT NULL DEFAULT 0, ' +
        'etag TEXT NOT NULL, expiration_time TEXT DEFAULT NULL, update_time TEXT DEFAULT NULL)',
    );
    const sel = db.prepare('SELECT value FROM state WHERE key = ?').pluck();
    const up = db.prepare(
      'INSERT INTO state (key, value, is_binary, etag, expiration_time, update_time) VALUES (?, ?, 0, ?, NULL, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, is_binary = excluded.is_binary, etag = excluded.etag, ' +
        'expiration_time = excluded.expiration_time, update_time = excluded.update_time',
    );
    get = (key) => sel.get(key);
    save = (key, value) => void up.run(key, value, crypto.randomUUID(), new Date().toISOString());
  } else if (kind === 'redis') {
    const { default: Redis } = await import('ioredis');
    const redis = new Redis({ ...conf.redis, maxRetriesPerRequest: 3 });
    get = (key) => redis.hget(k(key), 'data');
    save = (key, value) => redis.hset(k(key), 'data', value);
  } else if (kind === 'postgresql') {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ ...conf.pg, max: 10, keepAlive: true, application_name: 'minidapr-bench-baseline' });
    pool.on('error', () => {});
    const t = conf.table;
    // The same columns as state.postgresql's table (jsonb value, bytea data, etag).
    get = async (key) => (await pool.query(`SELECT data FROM ${t} WHERE key = $1`, [key])).rows[0]?.data;
    save = (key, value) =>
      pool.query(
        `INSERT INTO ${t} (key, value, data, isbinary, etag) VALUES ($1, $2::jsonb, $3, false, $4)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, data = EXCLUDED.data, isbinary = EXCLUDED.isbinary,
           etag = EXCLUDED.etag, updatedate = now()`,
        [key, value, Buffer.from(value), crypto.randomUUID()],
      );
  } else {
    throw new Error(`unknown store ${kind}`);
  }

  const prefix = `/v1.0/state/${STORE}`;
  let served = 0;
  const fail = (res, err) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(err?.message ?? err));
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/__count') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(String(served));
      return;
    }
    if (req.method === 'GET' && url.startsWith(`${prefix}/`)) {
      served++;
      req.resume();
      const key = decodeURIComponent(url.slice(prefix.length + 1));
      Promise.resolve()
        .then(() => get(key))
        .then((v) => {
          if (v === undefined || v === null) {
            res.writeHead(204);
            res.end();
          } else {
            const body = Buffer.isBuffer(v) ? v : Buffer.from(v);
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
            res.end(body);
          }
        })
        .catch((err) => fail(res, err));
      return;
    }
    if (req.method === 'POST' && url === prefix) {
      served++;
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        Promise.resolve()
          .then(() => {
            const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (!Array.isArray(items)) throw new Error('body must be an array');
            return Promise.all(items.map((it) => save(it.key, JSON.stringify(it.value))));
          })
          .then(() => {
            res.writeHead(204);
            res.end();
          })
          .catch((err) => fail(res, err));
      });
      return;
    }
    req.resume();
    res.writeHead(404, { 'content-length': '0' });
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  exitWithParent();
}

// ---------------------------------------------------------------------------------------------
// Store set-up: availability, the component YAML, clean-up of what the run leaves behind.

/** Runs fn at most once (the clean-up runs at the end of a store and again from cleanup()). */
function once(fn) {
  let p;
  return () => (p ??= Promise.resolve().then(fn));
}

async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function redisClient(addr) {
  const { default: Redis } = await import('ioredis');
  const r = new Redis({ ...addr, lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let lastError;
  r.on('error', (err) => (lastError = err));
  try {
    await withTimeout(r.connect(), 3000, `Redis ${addr.host}:${addr.port}`);
  } catch (err) {
    r.disconnect();
    throw lastError ?? err;
  }
  return r;
}

async function pgClient(opts) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ ...opts, connectionTimeoutMillis: 3000, query_timeout: 10_000 });
  c.on('error', () => {});
  await c.connect();
  return c;
}

const yamlString = (s) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

/**
 * Prepares one store: checks it is reachable (else returns { skip }), writes the component and
 * returns the baseline's configuration and an idempotent clean-up (also registered with cleanup()).
 */
async function prepareStore(kind, { dir, appId, baselinePrefix, cfg }) {
  const component = (type, metadata) =>
    [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${STORE}`,
      'spec:',
      `  type: ${type}`,
      '  version: v1',
      `  metadata:${metadata.length ? '' : ' []'}`,
      ...metadata.flatMap(([name, value]) => [`    - name: ${name}`, `      value: ${yamlString(value)}`]),
      '',
    ].join('\n');
  const resources = path.join(dir, 'resources');
  fs.mkdirSync(resources, { recursive: true });
  const write = (yaml) => fs.writeFileSync(path.join(resources, `${STORE}.yaml`), yaml);
  const base = { prefix: baselinePrefix };

  if (kind === 'in-memory') {
    write(component('state.in-memory', []));
    return { baseline: base, describe: 'in-process Map', cleanupStore: async () => {} };
  }
  if (kind === 'sqlite') {
    try {
      (await import('../dist/components/sqlite-driver.js')).sqliteDriver();
    } catch (err) {
      return { skip: `better-sqlite3 cannot be loaded: ${err.message.split('\n')[0]}` };
    }
    write(component('state.sqlite', [['connectionString', path.join(dir, 'sidecar.db')]]));
    return { baseline: { ...base, file: path.join(dir, 'baseline.db') }, describe: 'file in a temp dir, WAL', cleanupStore: async () => {} };
  }
  if (kind === 'redis') {
    const addr = redisAddress(cfg.redis);
    let r;
    try {
      r = await redisClient(addr);
      await withTimeout(r.ping(), 3000, 'PING');
    } catch (err) {
      r?.disconnect();
      return { skip: `Redis at ${addr.host}:${addr.port} is unreachable (${err.message})` };
    }
    r.disconnect();
    write(component('state.redis', [['redisHost', `${addr.host}:${addr.port}`]]));
    const cleanupStore = once(async () => {
      const c = await redisClient(addr);
      try {
        let deleted = 0;
        for (const p of [appId, baselinePrefix]) {
          let cursor = '0';
          do {
            const [next, keys] = await c.scan(cursor, 'MATCH', `${p}||*`, 'COUNT', 1000);
            cursor = next;
            if (keys.length) deleted += await c.del(...keys);
          } while (cursor !== '0');
        }
        log(`  redis: deleted ${deleted} bench keys (${appId}||*, ${baselinePrefix}||*)`);
      } finally {
        c.disconnect();
      }
    });
    onCleanup(cleanupStore);
    return { baseline: { ...base, redis: addr }, describe: `${addr.host}:${addr.port}`, cleanupStore };
  }
  if (kind === 'postgresql') {
    const opts = pgOptions(cfg.pg);
    const stem = `bench_state_${appId.replace(/[^a-z0-9]/g, '_').replace(/^bench_state_/, '')}`;
    const tables = { sidecar: stem, meta: `${stem}_meta`, baseline: `${stem}_base` };
    let c;
    try {
      c = await pgClient(opts);
      await c.query('SELECT 1');
    } catch (err) {
      await c?.end().catch(() => {});
      return { skip: `PostgreSQL (${cfg.pg}) is unreachable (${err.message})` };
    }
    const cleanupStore = once(async () => {
      const d = await pgClient(opts);
      try {
        await d.query(`DROP TABLE IF EXISTS ${tables.sidecar}, ${tables.meta}, ${tables.baseline}`);
        log(`  postgresql: dropped ${tables.sidecar}, ${tables.meta}, ${tables.baseline}`);
      } finally {
        await d.end();
      }
    });
    onCleanup(cleanupStore);
    try {
      // The baseline's table: the same columns as state.postgresql creates.
      await c.query(
        `CREATE TABLE ${tables.baseline} (key text NOT NULL PRIMARY KEY, value jsonb NOT NULL, data bytea NOT NULL,
           isbinary boolean NOT NULL, etag text NOT NULL, insertdate timestamp with time zone NOT NULL DEFAULT now(),
           updatedate timestamp with time zone NULL, expiredate timestamp with time zone NULL)`,
      );
    } finally {
      await c.end();
    }
    write(
      component('state.postgresql', [
        ['connectionString', cfg.pg],
        ['tableName', tables.sidecar],
        ['metadataTableName', tables.meta],
      ]),
    );
    return { baseline: { ...base, pg: opts, table: tables.baseline }, describe: `${opts.host}:${opts.port ?? 5432}/${opts.database}, tables ${stem}{,_meta,_base}`, cleanupStore };
  }
  throw new Error(`unknown store ${kind}`);
}

// ---------------------------------------------------------------------------------------------
async function main() {
  installCleanupHandlers();
  const args = parseBenchArgs(process.argv.slice(2), 'node packages/runtime/bench/state.mjs');
  if (!args) return;
  const { jsonFile } = args;

  const hey = requireHey();
  const bin = minidaprdBin();

  const cfg = {
    rps: envNum('BENCH_RPS', 1000),
    conns: envNum('BENCH_CONNS', 16),
    duration: envNum('BENCH_DURATION', 30),
    repeats: envNum('BENCH_REPEATS', 1),
    warmup: envNum('BENCH_WARMUP', 5),
    warmupRps: envNum('BENCH_WARMUP_RPS', 100),
    satDuration: envNum('BENCH_SAT_DURATION', 10),
    satWarmup: 2,
    saturation: process.env.BENCH_SATURATION !== '0',
    bodyBytes: BODY_BYTES,
    stores: (process.env.BENCH_STORES || STORES.join(',')).split(',').map((s) => s.trim().replace(/^state\./, '')).filter(Boolean),
    redis: process.env.BENCH_REDIS || '127.0.0.1:6379',
    pg: process.env.BENCH_PG || DEFAULT_PG,
    sidecarArgs: (process.env.BENCH_SIDECAR_ARGS ?? '').split(/\s+/).filter(Boolean),
    // Default: the same Node flags every launcher gives the sidecar (SIDECAR_NODE_ARGS).
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? '--max-semi-space-size=2').split(/\s+/).filter(Boolean),
  };
  for (const s of cfg.stores) if (!STORES.includes(s)) throw new Error(`BENCH_STORES: unknown store "${s}" (known: ${STORES.join(', ')})`);

  const clkTck = initClkTck();
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const pin = detectPin(cpus);
  const pinned = (core, cmd, args) => (pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-bench-state-'));
  setTmpDir(tmpDir);
  const home = path.join(tmpDir, 'home');
  fs.mkdirSync(home);
  // SAVE body: exactly 1024 bytes of JSON, [{"key":"k","value":{"data":"xxx...x"}}]; the GET key
  // is seeded with the same value (1002 bytes), so GET answers about 1 KiB too.
  const frame = (filler) => `[{"key":"${SAVE_KEY}","value":{"data":"${filler}"}}]`;
  const filler = 'x'.repeat(cfg.bodyBytes - frame('').length);
  const saveBody = frame(filler);
  const value = { data: filler };
  const bodyFile = path.join(tmpDir, 'body.json');
  fs.writeFileSync(bodyFile, saveBody);
  if (fs.statSync(bodyFile).size !== cfg.bodyBytes) throw new Error('body file is not 1024 bytes');
  const seedBody = JSON.stringify([{ key: GET_KEY, value }]);

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus,
    cpuModel: os.cpus()[0]?.model,
    kernel: os.release(),
    hey: 'hey (Debian package)',
    pinned: pin ? { load: LOAD_CORE, sidecarAndBaseline: SUT_CORE } : false,
    clkTck,
    config: cfg,
  };
  log(`node ${process.version}, ${cpus} cpus, pinning ${pin ? 'hey->core 0, sidecar+baseline->core 1' : 'off'}, stores ${cfg.stores.join(',')}, duration ${cfg.duration}s x ${cfg.repeats}`);

  let logSeq = 0;
  const logFile = (name) => path.join(tmpDir, `${String(++logSeq).padStart(2, '0')}-${name}.log`);

  // ---- processes -------------------------------------------------------------------------
  async function startSidecar(appId, resourcesDir) {
    const [httpPort, internalPort, metricsPort, grpcPort] = await freePorts(4);
    const args = [
      ...cfg.nodeArgs,
      bin,
      '--app-id', appId,
      '--dapr-http-port', String(httpPort),
      '--dapr-internal-port', String(internalPort),
      '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort),
      '--resources-path', resourcesDir,
      ...cfg.sidecarArgs,
    ];
    const file = logFile(`sidecar-${appId}`);
    const fd = fs.openSync(file, 'w');
    const env = { ...process.env, MINIDAPR_HOME: home };
    delete env.DAPR_API_TOKEN;
    delete env.APP_API_TOKEN;
    const [cmd, a] = pinned(SUT_CORE, process.execPath, args);
    const cp = spawnTracked(cmd, a, { stdio: ['ignore', fd, fd], env, cwd: tmpDir });
    fs.closeSync(fd);
    const tail = () => fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
    try {
      await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 30_000, 20, cp, `sidecar ${appId}`);
    } catch (err) {
      throw new Error(`${err.message}\n--- ${appId} log tail ---\n${tail()}`);
    }
    return { appId, cp, pid: cp.pid, httpPort, metricsPort, log: file, tail };
  }

  async function startBaseline(kind, conf) {
    const [port] = await freePorts(1);
    const file = logFile(`baseline-${kind}`);
    const fd = fs.openSync(file, 'w');
    const [cmd, args] = pinned(SUT_CORE, process.execPath, [SELF, '--baseline', String(port), kind, JSON.stringify(conf)]);
    const cp = spawnTracked(cmd, args, { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    try {
      await waitFor(`http://127.0.0.1:${port}/__count`, 200, 15_000, 20, cp, `baseline ${kind}`);
    } catch (err) {
      throw new Error(`${err.message}\n--- baseline log ---\n${fs.readFileSync(file, 'utf8').slice(-2000)}`);
    }
    return { cp, pid: cp.pid, port, log: file };
  }

  /** Requests the sidecar answered for one HTTP method (every status), from its metrics. */
  async function sidecarServed(sc, method) {
    const r = await request(`http://127.0.0.1:${sc.metricsPort}/metrics`, { timeoutMs: 5000 });
    let n = 0;
    for (const line of r.body.split('\n')) {
      if (line.startsWith('dapr_http_server_request_count{') && line.includes(`method="${method}"`)) n += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return n;
  }

  /** One hey run (GET or the 1 KiB POST); returns the csv file when outFile is given. */
  async function runHey({ url, op, rps, duration, outFile }) {
    if (isInterrupted()) throw new Error('interrupted');
    const args = ['-z', `${duration}s`, '-c', String(cfg.conns)];
    if (op === 'save') args.push('-m', 'POST', '-D', bodyFile, '-T', 'application/json');
    if (rps) args.push('-q', String(rps / cfg.conns));
    if (pin) args.push('-cpus', '1');
    if (outFile) args.push('-o', 'csv');
    args.push(url);
    const [cmd, a] = pinned(LOAD_CORE, hey, args);
    const out = fs.openSync(outFile ?? '/dev/null', 'w');
    const errFile = path.join(tmpDir, 'hey.stderr');
    const err = fs.openSync(errFile, 'w');
    const cp = spawnTracked(cmd, a, { stdio: ['ignore', out, err] });
    fs.closeSync(out);
    fs.closeSync(err);
    const code = await exited(cp);
    if (code !== 0) throw new Error(`hey exited with ${code}: ${fs.readFileSync(errFile, 'utf8').slice(0, 2000)}`);
    return outFile ? [outFile] : [];
  }

  // ---- per store -------------------------------------------------------------------------
  const results = {};
  const skipped = {};
  const benchStart = Date.now();
  for (const kind of cfg.stores) {
    if (isInterrupted()) break;
    const tag = crypto.randomBytes(3).toString('hex');
    const appId = `bench-state-${kind.replace(/[^a-z]/g, '')}-${tag}`;
    const baselinePrefix = `${appId}-baseline`;
    const dir = path.join(tmpDir, kind);
    fs.mkdirSync(dir);
    log(`state.${kind}: app id ${appId}`);
    let prep;
    try {
      prep = await prepareStore(kind, { dir, appId, baselinePrefix, cfg });
    } catch (err) {
      if (isInterrupted()) throw err;
      prep = { skip: `failed to prepare: ${err?.message ?? err}` };
    }
    if (prep.skip) {
      skipped[kind] = prep.skip;
      log(`  SKIP state.${kind}: ${prep.skip}`);
      continue;
    }
    let sidecar;
    let baseline;
    try {
      sidecar = await startSidecar(appId, path.join(dir, 'resources'));
      baseline = await startBaseline(kind, prep.baseline);
      log(`  sidecar :${sidecar.httpPort} (pid ${sidecar.pid}); baseline :${baseline.port} (pid ${baseline.pid}); store: ${prep.describe}`);

      // Idle RSS, before any request.
      await sleep(1000);
      const idle = { sidecar: [], baseline: [] };
      for (let i = 0; i < 3; i++) {
        idle.sidecar.push(procRssMb(sidecar.pid));
        idle.baseline.push(procRssMb(baseline.pid));
        await sleep(1000);
      }
      const idleRss = { sidecar: mean(idle.sidecar), baseline: mean(idle.baseline) };

      const targets = [
        { key: 'baseline', label: 'baseline', base: `http://127.0.0.1:${baseline.port}`, pid: baseline.pid, served: async () => Number((await request(`http://127.0.0.1:${baseline.port}/__count`)).body) },
        { key: 'sidecar', label: 'sidecar', base: `http://127.0.0.1:${sidecar.httpPort}`, pid: sidecar.pid, served: (op) => sidecarServed(sidecar, op === 'get' ? 'GET' : 'POST') },
      ];
      const urlOf = (t, op) => (op === 'get' ? `${t.base}/v1.0/state/${STORE}/${GET_KEY}` : `${t.base}/v1.0/state/${STORE}`);

      // Seed and smoke-test both: SAVE answers 204, GET answers 200 with the seeded value.
      for (const t of targets) {
        const seeded = await request(`${t.base}/v1.0/state/${STORE}`, { method: 'POST', body: seedBody, timeoutMs: 10_000 });
        if (seeded.status !== 204) throw new Error(`seeding ${t.label}: ${seeded.status} ${seeded.body.slice(0, 300)}`);
        const saved = await request(urlOf(t, 'save'), { method: 'POST', body: saveBody, timeoutMs: 10_000 });
        if (saved.status !== 204) throw new Error(`smoke SAVE ${t.label}: ${saved.status} ${saved.body.slice(0, 300)}`);
        const got = await request(urlOf(t, 'get'), { timeoutMs: 10_000 });
        if (got.status !== 200 || got.body !== JSON.stringify(value)) throw new Error(`smoke GET ${t.label}: ${got.status} ${got.body.slice(0, 300)}`);
      }

      // ---- fixed rate ----
      const runs = Object.fromEntries(OPS.map((op) => [op, { baseline: [], sidecar: [] }]));
      for (let rep = 1; rep <= cfg.repeats; rep++) {
        for (const op of OPS) {
          for (const t of targets) {
            const url = urlOf(t, op);
            const what = `${kind} ${OP_LABEL[op]} ${t.label} #${rep}`;
            log(`${what}: warm-up ${cfg.warmupRps} rps x ${cfg.warmup}s`);
            await runHey({ url, op, rps: cfg.warmupRps, duration: cfg.warmup });
            log(`${what}: measuring ${cfg.rps} rps x ${cfg.duration}s`);
            const before = await t.served(op);
            const stop = startSampler({ [t.key]: t.pid });
            const outFile = path.join(tmpDir, `hey-${kind}-${op}-${t.key}-${rep}.csv`);
            const files = await runHey({ url, op, rps: cfg.rps, duration: cfg.duration, outFile });
            const procs = stop();
            const after = await t.served(op);
            const h = parseHeyCsv(files);
            const received = after - before;
            const run = {
              repeat: rep,
              at: Math.round((Date.now() - benchStart) / 1000),
              requests: h.n,
              achievedRps: h.n / cfg.duration,
              non2xx: h.non2xx,
              statuses: h.statuses,
              serverAnswered: received,
              // A response the server sent that hey never recorded as a row = a socket error/timeout in hey.
              lost: Math.max(0, received - h.n),
              meanMs: h.meanMs,
              maxMs: h.maxMs,
              p: { p50: h.pct(50), p75: h.pct(75), p90: h.pct(90), p99: h.pct(99), p999: h.pct(99.9) },
              pRaw: { p50: h.rawPct(50), p75: h.rawPct(75), p90: h.rawPct(90), p99: h.rawPct(99), p999: h.rawPct(99.9) },
              proc: procs[t.key],
            };
            run.errors = run.non2xx + run.lost;
            runs[op][t.key].push(run);
            log(
              `  ${h.n} req, ${run.achievedRps.toFixed(1)} rps, p50 ${f3(run.p.p50)} p90 ${f3(run.p.p90)} p99 ${f3(run.p.p99)} ms, errors ${run.errors}` +
                `, ${t.label} ${run.proc.mcpu.toFixed(0)} mCPU ${run.proc.rssPeakMb.toFixed(1)} MB`,
            );
            if (!keepTmp) fs.rmSync(outFile, { force: true });
          }
        }
      }

      // ---- saturation ----
      const saturation = Object.fromEntries(OPS.map((op) => [op, {}]));
      for (const op of cfg.saturation ? OPS : []) {
        for (const t of targets) {
          const url = urlOf(t, op);
          log(`saturation ${kind} ${OP_LABEL[op]} ${t.label}: closed loop, ${cfg.conns} conns, ${cfg.satDuration}s (after ${cfg.satWarmup} s warm-up)`);
          await runHey({ url, op, duration: cfg.satWarmup });
          const stop = startSampler({ [t.key]: t.pid });
          const outFile = path.join(tmpDir, `hey-sat-${kind}-${op}-${t.key}.csv`);
          const files = await runHey({ url, op, duration: cfg.satDuration, outFile });
          const procs = stop();
          const h = parseHeyCsv(files);
          saturation[op][t.key] = { requests: h.n, rps: (h.n - h.non2xx) / cfg.satDuration, non2xx: h.non2xx, p50: h.pct(50), p99: h.pct(99), proc: procs[t.key] };
          log(`  ${saturation[op][t.key].rps.toFixed(0)} rps (2xx), non-2xx ${h.non2xx}, p50 ${f3(h.pct(50))} ms, ${t.label} ${procs[t.key].mcpu.toFixed(0)} mCPU`);
          if (!keepTmp) fs.rmSync(outFile, { force: true });
        }
        saturation[op].ratio = saturation[op].sidecar.rps / saturation[op].baseline.rps;
      }
      const endRss = procRssMb(sidecar.pid);

      // ---- summarise this store ----
      const P = ['p50', 'p75', 'p90', 'p99', 'p999'];
      const summarise = (rs) => ({
        p: Object.fromEntries(P.map((k) => [k, median(rs.map((r) => r.p[k]))])),
        meanMs: median(rs.map((r) => r.meanMs)),
        achievedRps: median(rs.map((r) => r.achievedRps)),
        minAchievedRps: Math.min(...rs.map((r) => r.achievedRps)),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        requests: rs.reduce((a, r) => a + r.requests, 0),
        mcpu: median(rs.map((r) => r.proc.mcpu)),
        rssMeanMb: mean(rs.map((r) => r.proc.rssMeanMb)),
        rssPeakMb: Math.max(...rs.map((r) => r.proc.rssPeakMb)),
      });
      const summary = {};
      for (const op of OPS) {
        const b = summarise(runs[op].baseline);
        const s = summarise(runs[op].sidecar);
        s.added = Object.fromEntries(P.map((k) => [k, s.p[k] - b.p[k]]));
        s.addedMean = s.meanMs - b.meanMs;
        summary[op] = { baseline: b, sidecar: s };
      }
      results[kind] = { appId, store: prep.describe, summary, runs, saturation, idleRss, endRss };
    } catch (err) {
      if (isInterrupted()) throw err;
      const msg = err?.message ?? String(err);
      skipped[kind] = `failed: ${msg.split('\n')[0]}`;
      log(`  FAILED state.${kind}: ${msg}`);
    } finally {
      await Promise.all([sidecar && stopChild(sidecar.cp), baseline && stopChild(baseline.cp)].filter(Boolean));
      if (!isInterrupted()) {
        try {
          await prep.cleanupStore();
        } catch (err) {
          log(`  clean-up of state.${kind} failed: ${err.message}`);
        }
      }
    }
  }

  // ---- target 7 --------------------------------------------------------------------------
  const checks = [];
  const mem = results['in-memory']?.summary.get.sidecar;
  if (mem) {
    const minRps = 0.99 * cfg.rps;
    checks.push({
      id: 7,
      name: `state GET (in-memory) at ${cfg.rps} rps: p99 <= 1.5 ms total (with 0 errors and >= 99% of the rate)`,
      pass: mem.p.p99 <= 1.5 && mem.errors === 0 && mem.minAchievedRps >= minRps,
      detail: `p99 ${f3(mem.p.p99)} ms (baseline ${f3(results['in-memory'].summary.get.baseline.p.p99)} ms); errors ${mem.errors}; min rate ${mem.minAchievedRps.toFixed(1)} rps`,
    });
  } else {
    checks.push({ id: 7, name: 'state GET (in-memory) p99 <= 1.5 ms', pass: undefined, detail: 'not measured (in-memory store not run)' });
  }
  // Dapr's own gate for its state GET perf test (tests/perf/state_get_http): 0 < added p90 <= 2.0 ms.
  for (const [kind, r] of Object.entries(results)) {
    const s = r.summary.get.sidecar;
    checks.push({ id: 'info', name: `${kind} GET: Dapr's perf gate, added p90 <= 2.0 ms`, pass: undefined, info: s.added.p90 <= 2.0, detail: `added p90 ${sign3(s.added.p90)} ms` });
  }

  // ---- print -----------------------------------------------------------------------------
  const lines = [];
  const say = (s = '') => lines.push(s);
  const ran = Object.keys(results);
  say(`minidaprd state benchmark — ${meta.date}`);
  say(`node ${meta.node}, ${cpus} cpus (${meta.cpuModel}), kernel ${meta.kernel}; load: hey; pinning: ${pin ? 'hey on core 0, sidecar + baseline server on core 1 (Redis/PostgreSQL servers unpinned)' : 'off'}`);
  say(`fixed rate ${cfg.rps} rps, ${cfg.conns} connections; GET of a ${JSON.stringify(value).length}-byte value, SAVE = ${cfg.bodyBytes}-byte POST; warm-up ${cfg.warmupRps} rps x ${cfg.warmup}s; measured ${cfg.duration}s x ${cfg.repeats}${cfg.repeats > 1 ? ' (median of each percentile)' : ''}`);
  if (cfg.sidecarArgs.length || cfg.nodeArgs.length) say(`sidecar extra args: ${[...cfg.nodeArgs, ...cfg.sidecarArgs].join(' ')}`);
  say();
  const PS = ['p50', 'p90', 'p99'];
  say(`Latency (ms)                      ${PS.map((k) => pad(k, 8)).join('')}${pad('mean', 8)}${pad('rps', 9)}${pad('errors', 8)}`);
  for (const kind of ran) {
    for (const op of OPS) {
      const { baseline: b, sidecar: s } = results[kind].summary[op];
      const head = `${padR(kind, 11)} ${padR(OP_LABEL[op], 5)}`;
      say(`${head} baseline total  ${PS.map((k) => pad(f3(b.p[k]), 8)).join('')}${pad(f3(b.meanMs), 8)}${pad(b.achievedRps.toFixed(1), 9)}${pad(b.errors, 8)}`);
      say(`${padR('', 17)} sidecar  total  ${PS.map((k) => pad(f3(s.p[k]), 8)).join('')}${pad(f3(s.meanMs), 8)}${pad(s.achievedRps.toFixed(1), 9)}${pad(s.errors, 8)}`);
      say(`${padR('', 17)}          added  ${PS.map((k) => pad(sign3(s.added[k]), 8)).join('')}${pad(sign3(s.addedMean), 8)}`);
    }
  }
  say(`(hey reports latencies in 0.1 ms steps; percentiles interpolate within a step. p75, p99.9 and per-repeat values: --json)`);
  say();
  if (!cfg.saturation) say('Saturation: skipped (BENCH_SATURATION=0)');
  else say(`Saturation (closed loop, ${cfg.conns} connections, ${cfg.satDuration}s after a ${cfg.satWarmup} s warm-up)`);
  if (cfg.saturation) say(`                    baseline rps  sidecar rps  sidecar/baseline  sidecar p50 / p99 ms  non-2xx  mCPU baseline / sidecar`);
  for (const kind of ran) {
    for (const op of OPS) {
      const s = results[kind].saturation[op];
      if (!s.sidecar) continue;
      say(
        `  ${padR(kind, 11)} ${padR(OP_LABEL[op], 5)}${pad(s.baseline.rps.toFixed(0), 13)}${pad(s.sidecar.rps.toFixed(0), 13)}${pad(`${(s.ratio * 100).toFixed(1)}%`, 18)}` +
          `${pad(`${f3(s.sidecar.p50)} / ${f3(s.sidecar.p99)}`, 22)}${pad(s.baseline.non2xx + s.sidecar.non2xx, 9)}` +
          `${pad(`${s.baseline.proc.mcpu.toFixed(0)} / ${s.sidecar.proc.mcpu.toFixed(0)}`, 25)}`,
      );
    }
  }
  say();
  say(`Resources at ${cfg.rps} rps (GET / SAVE)   sidecar mCPU   baseline mCPU   sidecar RSS idle MB   RSS load mean MB   RSS load peak MB`);
  for (const kind of ran) {
    const r = results[kind];
    const g = r.summary.get;
    const sv = r.summary.save;
    say(
      `  ${padR(kind, 36)} ${pad(`${g.sidecar.mcpu.toFixed(0)} / ${sv.sidecar.mcpu.toFixed(0)}`, 12)} ${pad(`${g.baseline.mcpu.toFixed(0)} / ${sv.baseline.mcpu.toFixed(0)}`, 15)}` +
        ` ${pad(r.idleRss.sidecar.toFixed(1), 21)} ${pad(mean([g.sidecar.rssMeanMb, sv.sidecar.rssMeanMb]).toFixed(1), 18)} ${pad(Math.max(g.sidecar.rssPeakMb, sv.sidecar.rssPeakMb).toFixed(1), 18)}`,
    );
  }
  if (Object.keys(skipped).length) {
    say();
    for (const [kind, why] of Object.entries(skipped)) say(`SKIPPED state.${kind}: ${why}`);
  }
  say();
  say('Targets (docs/targets.md)');
  for (const c of checks) {
    const status = c.pass === undefined ? 'INFO' : c.pass ? 'PASS' : 'FAIL';
    say(`  ${status}  ${pad(c.id === 'info' ? '' : c.id, 2)}  ${c.name}: ${c.detail}${c.info === undefined ? '' : c.info ? ' (within)' : ' (over)'}`);
  }
  console.log(lines.join('\n'));

  await finishRun({ jsonFile, results: { meta, results, skipped, checks }, checks });
}

// Entry point (last, so every module-level binding above is initialised).
if (process.argv[2] === '--baseline') {
  runBaseline(Number(process.argv[3]), process.argv[4], process.argv[5]).catch((err) => {
    console.error(`baseline failed: ${err?.stack ?? err}`);
    process.exit(1);
  });
} else main().catch((err) => fatal(err));

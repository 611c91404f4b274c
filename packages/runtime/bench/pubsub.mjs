#!/usr/bin/env node
// minidaprd pub/sub benchmark (target 8 of docs/targets.md).
//
//   npm run bench:pubsub -w @minidapr/runtime                    full run (~3 min)
//   BENCH_DURATION=5 BENCH_MESSAGES=5000 npm run bench:pubsub -w @minidapr/runtime     quick run
//   npm run bench:pubsub -w @minidapr/runtime -- --json results.json    also write the results as JSON
//
// For each broker (pubsub.in-memory, pubsub.sqlite, pubsub.redis) one sidecar is started with that
// broker as the component "pubsub", next to a subscriber app (a plain node:http child process that
// subscribes programmatically to one topic and answers every delivery 200 with an empty body).
// Per broker:
//   fixed rate   BENCH_RATE (1000) msg/s from BENCH_CONNS (16) keep-alive connections for
//                BENCH_DURATION (20) s after a BENCH_WARMUP (3) s warm-up; each connection sends
//                its share on its own ticker (the tickers are staggered, unlike hey's -q). Publish
//                latency = POST /v1.0/publish until the 204 (mean, p50, p99). Every payload is a
//                1024-byte JSON object carrying its send time (performance.timeOrigin + now()); the
//                app subtracts it from its own clock on arrival: publish-to-delivery latency.
//   throughput   BENCH_MESSAGES (20000) messages published as fast as BENCH_BURST_CONNS (32)
//                connections allow (closed loop); delivered msg/s = messages / (last delivery -
//                first send). The publish rate of that phase is printed too.
// Redis baseline, in the same run: the same two phases with ioredis directly: XADD from this
// process (one connection, the same concurrency) and a consumer child process looping
// XREADGROUP COUNT 100 BLOCK / XACK (one XACK per batch). The ratio sidecar / raw is printed.
// Pinning (taskset, when available): this process (the publisher) on core 0; the sidecar, the app
// and the raw consumer on core 1. Redis itself is not started here and not pinned.
// Sidecar CPU (/proc/<pid>/stat) and RSS are sampled over the measured windows.
//
// Environment knobs: BENCH_RATE (1000), BENCH_CONNS (16), BENCH_DURATION (20), BENCH_WARMUP (3),
// BENCH_MESSAGES (20000), BENCH_BURST_CONNS (32), BENCH_BROKERS (comma list of
// in-memory,sqlite,redis), BENCH_REDIS (127.0.0.1:6379), BENCH_SIDECAR_ARGS, BENCH_NODE_ARGS
// (default --max-semi-space-size=2), BENCH_NO_PIN=1, BENCH_KEEP_TMP=1, BENCH_STRICT=1 (exit 2
// when a target fails).
//
// Node built-ins plus ioredis (a runtime dependency, loaded only for Redis). Shared helpers live in
// bench/lib.mjs. Everything started here runs in its own process group and is killed on exit, on
// Ctrl-C and on errors.
import { execFileSync } from 'node:child_process';
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
  detectPin,
  envNum,
  f3,
  fatal,
  freePorts,
  initClkTck,
  installCleanupHandlers,
  isInterrupted,
  log,
  mean,
  onCleanup,
  pad,
  padR,
  procRssMb,
  request,
  setTmpDir,
  spawnTracked,
  startSampler,
  stopChild,
  waitFor,
} from './lib.mjs';
import { exitWithParent, finishRun, minidaprdBin, parseBenchArgs, redisAddress } from './cli.mjs';

const SELF = fileURLToPath(import.meta.url);
const BROKERS = ['in-memory', 'sqlite', 'redis'];
const PUBSUB = 'pubsub';
const BODY_BYTES = 1024;
const ROUTE = '/bench';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
const nowMs = () => performance.timeOrigin + performance.now();

/** A 1024-byte JSON payload carrying its send time. */
function payload(seq) {
  const frame = (pad) => `{"seq":${seq},"ts":${nowMs().toFixed(3)},"pad":"${pad}"}`;
  return frame('x'.repeat(Math.max(0, BODY_BYTES - frame('').length)));
}
const TS = /"ts":([0-9.]+)/;

function sortedPct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function summary(values) {
  const s = Float64Array.from(values).sort();
  return { n: s.length, mean: mean(values), p50: sortedPct(s, 50), p90: sortedPct(s, 90), p99: sortedPct(s, 99), max: s.length ? s[s.length - 1] : NaN };
}

/** Records arrival latencies and counts; GET /__stats[?reset=1][&lat=1] reports them. */
function statsRecorder() {
  let st = { count: 0, first: 0, last: 0, lat: [] };
  return {
    hit(body, at = nowMs()) {
      const m = TS.exec(body);
      if (m) st.lat.push(at - Number(m[1]));
      st.count++;
      if (!st.first) st.first = at;
      st.last = at;
    },
    report(url) {
      const out = JSON.stringify({ count: st.count, first: st.first, last: st.last, lat: url.includes('lat=1') ? st.lat : undefined });
      if (url.includes('reset=1')) st = { count: 0, first: 0, last: 0, lat: [] };
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Subscriber app (child process): GET /dapr/subscribe, POST /bench -> 200 empty, GET /__stats.
// With `bulk`, the subscription uses bulk subscribe (BULK_OPTIONS) and every entry gets SUCCESS.
const BULK_OPTIONS = { enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 20 };
function runApp(port, topic, mode) {
  const stats = statsRecorder();
  const bulk = mode === 'bulk';
  const subs = JSON.stringify([{ pubsubname: PUBSUB, topic, route: ROUTE, ...(bulk ? { bulkSubscribe: BULK_OPTIONS } : {}) }]);
  const answer = (text) => {
    if (!bulk) {
      stats.hit(text);
      return '';
    }
    const at = nowMs();
    const { entries } = JSON.parse(text);
    for (const e of entries) stats.hit(JSON.stringify(e.event?.data ?? {}), at);
    return JSON.stringify({ statuses: entries.map((e) => ({ entryId: e.entryId, status: 'SUCCESS' })) });
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url === ROUTE) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const out = answer(Buffer.concat(chunks).toString(bulk ? 'utf8' : 'latin1'));
        res.writeHead(200, { 'content-length': Buffer.byteLength(out), ...(bulk ? { 'content-type': 'application/json' } : {}) });
        res.end(out);
      });
      return;
    }
    req.resume();
    const body = url === '/dapr/subscribe' ? subs : url.startsWith('/__stats') ? stats.report(url) : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  exitWithParent();
}

// Raw Redis consumer (child process): XREADGROUP COUNT 100 BLOCK 500 / XACK per batch.
async function runRawConsumer(port, redisSpec, stream, group, startId) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis({ ...redisAddress(redisSpec), maxRetriesPerRequest: 3 });
  await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
  const stats = statsRecorder();
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(stats.report(req.url ?? '/'));
  });
  server.listen(port, '127.0.0.1');
  exitWithParent();
  for (;;) {
    const r = await redis.xreadgroup('GROUP', group, 'c1', 'COUNT', 100, 'BLOCK', 500, 'STREAMS', stream, '>');
    if (!r) continue;
    const ids = [];
    for (const [id, fields] of r[0][1]) {
      ids.push(id);
      stats.hit(fields[1] ?? '');
    }
    await redis.xack(stream, group, ...ids);
  }
}

// ---------------------------------------------------------------------------------------------
// Load generation (this process).

/** POST /v1.0/publish over a keep-alive agent; resolves with the status and the latency in ms. */
function httpPublisher(port, topic, conns, urlPath = `/v1.0/publish/${PUBSUB}/${topic}`) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const send = (body) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: urlPath, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, ms: performance.now() - t0 }));
        },
      );
      req.on('error', () => resolve({ ok: false, ms: performance.now() - t0 }));
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** XADD with ioredis (the baseline). */
function redisPublisher(redis, stream) {
  const send = async (body) => {
    const t0 = performance.now();
    try {
      await redis.xadd(stream, '*', 'data', body);
      return { ok: true, ms: performance.now() - t0 };
    } catch {
      return { ok: false, ms: performance.now() - t0 };
    }
  };
  return { send, close: () => {} };
}

/** `conns` workers, each sending rate/conns msg/s on its own (staggered) ticker, for `seconds`. */
async function fixedRate(pub, { rate, seconds, conns }) {
  const interval = (1000 * conns) / rate;
  const start = performance.now();
  const end = start + seconds * 1000;
  const lat = [];
  let errors = 0;
  let seq = 0;
  const worker = async (w) => {
    let next = start + (w * interval) / conns;
    for (;;) {
      const now = performance.now();
      if (next > now) await sleep(next - now);
      if (performance.now() >= end || isInterrupted()) return;
      next += interval;
      const r = await pub.send(payload(seq++));
      if (r.ok) lat.push(r.ms);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: conns }, (_, w) => worker(w)));
  return { lat, errors, sent: seq, seconds: (performance.now() - start) / 1000 };
}

/** Closed loop: `total` messages as fast as `conns` concurrent senders go. */
async function burst(pub, { total, conns }) {
  const t0 = nowMs();
  let seq = 0;
  let ok = 0;
  let errors = 0;
  const worker = async () => {
    while (seq < total && !isInterrupted()) {
      const r = await pub.send(payload(seq++));
      if (r.ok) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  return { t0, t1: nowMs(), ok, errors };
}

async function stats(port, query) {
  const r = await request(`http://127.0.0.1:${port}/__stats${query}`, { timeoutMs: 10_000 });
  return JSON.parse(r.body);
}

/** Waits until the receiver counted `n` messages (or `deadlineMs` passed); returns its stats. */
async function awaitDelivered(port, n, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const s = await stats(port, '');
    if (s.count >= n || Date.now() > deadline) return s;
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
async function main() {
  installCleanupHandlers();
  const args = parseBenchArgs(process.argv.slice(2), 'node packages/runtime/bench/pubsub.mjs');
  if (!args) return;
  const { jsonFile } = args;

  const bin = minidaprdBin();
  const cfg = {
    rate: envNum('BENCH_RATE', 1000),
    conns: envNum('BENCH_CONNS', 16),
    duration: envNum('BENCH_DURATION', 20),
    warmup: envNum('BENCH_WARMUP', 3),
    messages: envNum('BENCH_MESSAGES', 20000),
    burstConns: envNum('BENCH_BURST_CONNS', 32),
    brokers: (process.env.BENCH_BROKERS || BROKERS.join(',')).split(',').map((s) => s.trim().replace(/^pubsub\./, '')).filter(Boolean),
    redis: process.env.BENCH_REDIS || '127.0.0.1:6379',
    sidecarArgs: (process.env.BENCH_SIDECAR_ARGS ?? '').split(/\s+/).filter(Boolean),
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? '--max-semi-space-size=2').split(/\s+/).filter(Boolean),
  };
  for (const b of cfg.brokers) if (!BROKERS.includes(b)) throw new Error(`BENCH_BROKERS: unknown broker "${b}" (known: ${BROKERS.join(', ')})`);

  initClkTck();
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const pin = detectPin(cpus);
  if (pin) execFileSync('taskset', ['-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  const pinned = (core, cmd, args) => (pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-bench-pubsub-'));
  setTmpDir(tmpDir);
  const meta = { date: new Date().toISOString(), node: process.version, cpus, cpuModel: os.cpus()[0]?.model, kernel: os.release(), loadStart: os.loadavg()[0], pinned: pin ? { publisher: LOAD_CORE, sidecarAppConsumer: SUT_CORE } : false, config: cfg };
  log(`node ${process.version}, ${cpus} cpus, pinning ${pin ? 'publisher->core 0, sidecar+app->core 1' : 'off'}, brokers ${cfg.brokers.join(',')}`);

  let logSeq = 0;
  const logFile = (name) => path.join(tmpDir, `${String(++logSeq).padStart(2, '0')}-${name}.log`);
  function spawnLogged(name, core, args, opts = {}) {
    const file = logFile(name);
    const fd = fs.openSync(file, 'w');
    const [cmd, a] = pinned(core, process.execPath, args);
    const cp = spawnTracked(cmd, a, { stdio: ['ignore', fd, fd], ...opts });
    fs.closeSync(fd);
    return { cp, pid: cp.pid, tail: () => fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') };
  }
  async function started(p, url, what) {
    try {
      await waitFor(url, 200, 30_000, 20, p.cp, what);
    } catch (err) {
      throw new Error(`${err.message}\n--- ${what} log tail ---\n${p.tail()}`);
    }
  }

  /** The fixed-rate phase: warm-up, then the measured window; samples `pids`. */
  async function fixedPhase(label, pub, recvPort, pids) {
    log(`${label}: warm-up ${cfg.rate} msg/s x ${cfg.warmup}s`);
    const w = await fixedRate(pub, { rate: cfg.rate, seconds: cfg.warmup, conns: cfg.conns });
    await awaitDelivered(recvPort, w.lat.length, 30_000);
    await stats(recvPort, '?reset=1');
    log(`${label}: measuring ${cfg.rate} msg/s x ${cfg.duration}s`);
    let stop = startSampler(pids);
    const fr = await fixedRate(pub, { rate: cfg.rate, seconds: cfg.duration, conns: cfg.conns });
    const frProc = stop();
    const delivered = await awaitDelivered(recvPort, fr.lat.length, 30_000);
    const full = await stats(recvPort, '?reset=1&lat=1');
    const fixed = { published: fr.lat.length, errors: fr.errors, rate: fr.lat.length / fr.seconds, publish: summary(fr.lat), delivered: delivered.count, delivery: summary(full.lat), proc: frProc };
    log(`  publish mean ${f3(fixed.publish.mean)} p50 ${f3(fixed.publish.p50)} p99 ${f3(fixed.publish.p99)} ms; delivery p50 ${f3(fixed.delivery.p50)} p99 ${f3(fixed.delivery.p99)} ms; ${fixed.delivered}/${fixed.published} delivered, ${fixed.errors} errors`);
    return fixed;
  }

  /** Both phases against one publisher and one receiver; samples `pids` during each. */
  async function phases(label, pub, burstPub, recvPort, pids) {
    const fixed = await fixedPhase(label, pub, recvPort, pids);

    log(`${label}: throughput, ${cfg.messages} messages, ${cfg.burstConns} connections`);
    const stop = startSampler(pids);
    const b = await burst(burstPub, { total: cfg.messages, conns: cfg.burstConns });
    const got = await awaitDelivered(recvPort, b.ok, 120_000);
    const bProc = stop();
    await stats(recvPort, '?reset=1');
    const tp = { published: b.ok, errors: b.errors, publishRate: b.ok / ((b.t1 - b.t0) / 1000), delivered: got.count, deliveredRate: got.count / ((got.last - b.t0) / 1000), proc: bProc };
    log(`  published ${tp.publishRate.toFixed(0)} msg/s, delivered ${tp.deliveredRate.toFixed(0)} msg/s (${tp.delivered}/${tp.published})`);
    return { fixed, throughput: tp };
  }

  const results = {};
  const skipped = {};
  let raw;
  // Reference floor: the same publisher POSTing straight to a bare subscriber app (no sidecar).
  let direct;
  {
    const [port] = await freePorts(1);
    const app = spawnLogged('app-direct', SUT_CORE, [SELF, '--app', String(port), 'direct', 'single']);
    try {
      await started(app, `http://127.0.0.1:${port}/__stats`, 'app (direct)');
      const pub = httpPublisher(port, 'direct', cfg.conns, ROUTE);
      direct = { fixed: await fixedPhase('direct (no sidecar)', pub, port, { app: app.pid }) };
      pub.close();
    } finally {
      await stopChild(app.cp);
    }
  }
  for (const kind of cfg.brokers) {
    if (isInterrupted()) break;
    const tag = crypto.randomBytes(3).toString('hex');
    const appId = `bench-pubsub-${kind.replace(/[^a-z]/g, '')}-${tag}`;
    const topic = `bench-pubsub-${tag}`;
    const dir = path.join(tmpDir, kind);
    const resources = path.join(dir, 'resources');
    fs.mkdirSync(resources, { recursive: true });
    const procs = [];
    let redis;
    try {
      const metadata = { 'in-memory': [], sqlite: [['connectionString', path.join(dir, 'broker.db')]], redis: [['redisHost', cfg.redis]] }[kind];
      if (kind === 'redis') {
        const { default: Redis } = await import('ioredis');
        redis = new Redis({ ...redisAddress(cfg.redis), lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null });
        redis.on('error', () => {});
        try {
          await redis.connect();
          await redis.ping();
        } catch (err) {
          skipped[kind] = `Redis at ${cfg.redis} is unreachable (${err.message})`;
          log(`  SKIPPED pubsub.redis: ${skipped[kind]}`);
          redis.disconnect();
          continue;
        }
        const r = redis;
        onCleanup(async () => {
          const keys = await r.keys(`*${topic}*`);
          if (keys.length) await r.del(...keys);
          r.disconnect();
        });
      }
      const yaml = (metadata) => [
        'apiVersion: dapr.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${PUBSUB}`,
        'spec:',
        `  type: pubsub.${kind}`,
        '  version: v1',
        `  metadata:${metadata.length ? '' : ' []'}`,
        ...metadata.flatMap(([n, v]) => [`    - name: ${n}`, `      value: ${JSON.stringify(v)}`]),
        '',
      ].join('\n');
      fs.writeFileSync(path.join(resources, 'pubsub.yaml'), yaml(metadata));
      // The bulk drain's sidecar: the same broker with 100 messages in flight (default 10), so that
      // batches of maxMessagesCount 100 can fill.
      const bulkResources = path.join(dir, 'resources-bulk');
      fs.mkdirSync(bulkResources);
      fs.writeFileSync(path.join(bulkResources, 'pubsub.yaml'), yaml([...metadata, ['concurrency', '100']]));

      /** Starts a subscriber app for `t` and its sidecar (consumer group = app id); waits for the subscription. */
      const startPair = async (id, t, { bulk = false, resDir = resources } = {}) => {
        const [appPort, httpPort, internalPort, metricsPort, grpcPort] = await freePorts(5);
        const app = spawnLogged(`app-${id}`, SUT_CORE, [SELF, '--app', String(appPort), t, bulk ? 'bulk' : 'single']);
        procs.push(app);
        await started(app, `http://127.0.0.1:${appPort}/__stats`, `app ${id}`);
        const env = { ...process.env, MINIDAPR_HOME: path.join(dir, 'home') };
        delete env.DAPR_API_TOKEN;
        delete env.APP_API_TOKEN;
        const args = [...cfg.nodeArgs, bin, '--app-id', id, '--app-port', String(appPort), '--dapr-http-port', String(httpPort), '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort), '--resources-path', resDir, ...cfg.sidecarArgs];
        const sidecar = spawnLogged(`sidecar-${id}`, SUT_CORE, args, { env, cwd: dir });
        procs.push(sidecar);
        try {
          await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 30_000, 20, sidecar.cp, `sidecar ${id}`);
          const deadline = Date.now() + 15_000;
          while (JSON.parse((await request(`http://127.0.0.1:${httpPort}/v1.0/metadata`)).body).subscriptions?.length !== 1) {
            if (Date.now() > deadline) throw new Error('the subscription did not appear in /v1.0/metadata');
            await sleep(50);
          }
        } catch (err) {
          throw new Error(`${err.message}\n--- sidecar log tail ---\n${sidecar.tail()}`);
        }
        return { app, sidecar, appPort, httpPort };
      };
      const { app, sidecar, appPort, httpPort } = await startPair(appId, topic);
      const idleRss = procRssMb(sidecar.pid);
      const pub = httpPublisher(httpPort, topic, cfg.conns);
      const burstPub = httpPublisher(httpPort, topic, cfg.burstConns);
      const smoke = await pub.send(payload(-1));
      if (!smoke.ok) throw new Error('smoke publish did not answer 204');
      if ((await awaitDelivered(appPort, 1, 10_000)).count < 1) throw new Error('smoke message was not delivered within 10 s');
      await stats(appPort, '?reset=1');
      results[kind] = { appId, idleRss, ...(await phases(`pubsub.${kind}`, pub, burstPub, appPort, { sidecar: sidecar.pid, app: app.pid })) };
      pub.close();
      burstPub.close();

      // Backlog drain (durable brokers): publish N messages to a topic nobody reads yet, then start
      // a second subscriber (a new consumer group, which starts at the oldest message) and time it.
      if (kind !== 'in-memory') {
        const drain = async (suffix, opts) => {
          const drainTopic = `${topic}-${suffix}`;
          log(`pubsub.${kind}: backlog drain (${suffix}), publishing ${cfg.messages} messages to ${drainTopic} (no subscriber yet)`);
          const drainPub = httpPublisher(httpPort, drainTopic, cfg.burstConns);
          const b = await burst(drainPub, { total: cfg.messages, conns: cfg.burstConns });
          drainPub.close();
          const pair = await startPair(`${appId}-${suffix}`, drainTopic, opts);
          const stop = startSampler({ sidecar: pair.sidecar.pid });
          const got = await awaitDelivered(pair.appPort, b.ok, 120_000);
          const proc = stop();
          await Promise.all([stopChild(pair.sidecar.cp), stopChild(pair.app.cp)]);
          const d = { published: b.ok, errors: b.errors, publishRate: b.ok / ((b.t1 - b.t0) / 1000), delivered: got.count, deliveredRate: (got.count - 1) / ((got.last - got.first) / 1000), proc };
          log(`  published ${d.publishRate.toFixed(0)} msg/s with no subscriber; drained ${d.deliveredRate.toFixed(0)} msg/s (${got.count}/${b.ok})`);
          return d;
        };
        results[kind].drain = await drain('drain', {});
        results[kind].drainBulk = await drain('drain-bulk', { bulk: true, resDir: bulkResources });
      }

      if (kind === 'redis') {
        const [rawPort, rawDrainPort] = await freePorts(2);
        const stream = `${topic}-raw`;
        const consumer = spawnLogged('raw-consumer', SUT_CORE, [SELF, '--raw-consumer', String(rawPort), cfg.redis, stream, `${appId}-raw`, '$']);
        procs.push(consumer);
        await started(consumer, `http://127.0.0.1:${rawPort}/__stats`, 'raw consumer');
        const { default: Redis } = await import('ioredis');
        const producer = new Redis({ ...redisAddress(cfg.redis), maxRetriesPerRequest: 3 });
        try {
          raw = await phases('raw ioredis', redisPublisher(producer, stream), redisPublisher(producer, stream), rawPort, { consumer: consumer.pid });
          const drainStream = `${topic}-raw-drain`;
          log(`raw ioredis: backlog drain, XADD ${cfg.messages} messages, then a consumer group from 0`);
          const b = await burst(redisPublisher(producer, drainStream), { total: cfg.messages, conns: cfg.burstConns });
          const dc = spawnLogged('raw-drain-consumer', SUT_CORE, [SELF, '--raw-consumer', String(rawDrainPort), cfg.redis, drainStream, `${appId}-raw-drain`, '0']);
          procs.push(dc);
          await started(dc, `http://127.0.0.1:${rawDrainPort}/__stats`, 'raw drain consumer');
          const stop = startSampler({ consumer: dc.pid });
          const got = await awaitDelivered(rawDrainPort, b.ok, 120_000);
          const proc = stop();
          raw.drain = { published: b.ok, errors: b.errors, publishRate: b.ok / ((b.t1 - b.t0) / 1000), delivered: got.count, deliveredRate: (got.count - 1) / ((got.last - got.first) / 1000), proc };
          log(`  XADD ${raw.drain.publishRate.toFixed(0)} msg/s; drained ${raw.drain.deliveredRate.toFixed(0)} msg/s (${got.count}/${b.ok})`);
        } finally {
          producer.disconnect();
        }
      }
    } catch (err) {
      if (isInterrupted()) throw err;
      skipped[kind] = `failed: ${String(err?.message ?? err).split('\n')[0]}`;
      log(`  FAILED pubsub.${kind}: ${err?.message ?? err}`);
    } finally {
      await Promise.all(procs.map((p) => stopChild(p.cp)));
    }
  }

  // ---- targets -----------------------------------------------------------------------------
  const checks = [];
  for (const kind of ['in-memory', 'sqlite']) {
    const r = results[kind];
    if (!r) continue;
    checks.push({ id: '8a', name: `pubsub.${kind}: publish mean < 1 ms`, pass: r.fixed.publish.mean < 1 && r.fixed.errors === 0, detail: `mean ${f3(r.fixed.publish.mean)} ms, errors ${r.fixed.errors}` });
    checks.push({ id: '8b', name: `pubsub.${kind}: publish-to-delivery p50 <= 5 ms`, pass: r.fixed.delivery.p50 <= 5 && r.fixed.delivered >= r.fixed.published, detail: `p50 ${f3(r.fixed.delivery.p50)} ms, ${r.fixed.delivered}/${r.fixed.published} delivered` });
  }
  const c8 = 'pubsub.redis: delivered msg/s >= 50% of the raw ioredis loop';
  if (results.redis?.drain && raw?.drain) {
    const ratio = results.redis.drain.deliveredRate / raw.drain.deliveredRate;
    checks.push({ id: '8c', name: `${c8} (backlog drain)`, pass: ratio >= 0.5, detail: `${results.redis.drain.deliveredRate.toFixed(0)} vs ${raw.drain.deliveredRate.toFixed(0)} msg/s = ${(ratio * 100).toFixed(1)}%` });
  }
  if (results.redis?.drainBulk && raw?.drain) {
    const ratio = results.redis.drainBulk.deliveredRate / raw.drain.deliveredRate;
    checks.push({ id: 'info', name: `${c8} (backlog drain, bulk subscribe)`, pass: undefined, info: ratio >= 0.5, detail: `${results.redis.drainBulk.deliveredRate.toFixed(0)} vs ${raw.drain.deliveredRate.toFixed(0)} msg/s = ${(ratio * 100).toFixed(1)}%` });
  }
  if (results.redis && raw) {
    const ratio = results.redis.throughput.deliveredRate / raw.throughput.deliveredRate;
    checks.push({ id: '8c', name: `${c8} (publish + deliver, closed loop)`, pass: ratio >= 0.5, detail: `${results.redis.throughput.deliveredRate.toFixed(0)} vs ${raw.throughput.deliveredRate.toFixed(0)} msg/s = ${(ratio * 100).toFixed(1)}%` });
  } else checks.push({ id: '8c', name: c8, pass: undefined, detail: `not measured (${skipped.redis ?? 'redis not run'})` });

  // ---- print -------------------------------------------------------------------------------
  const lines = [];
  const say = (s = '') => lines.push(s);
  say(`minidaprd pub/sub benchmark — ${meta.date}`);
  say(`node ${meta.node}, ${cpus} cpus (${meta.cpuModel}), kernel ${meta.kernel}; pinning: ${pin ? 'publisher on core 0; sidecar, app and raw consumer on core 1 (Redis unpinned)' : 'off'}`);
  say(`load average (1 min) at start ${meta.loadStart.toFixed(2)}, at end ${os.loadavg()[0].toFixed(2)} (other work on this machine competes for the same 2 cores)`);
  say(`fixed rate ${cfg.rate} msg/s, ${cfg.conns} connections, ${cfg.duration} s after ${cfg.warmup} s warm-up; throughput ${cfg.messages} messages, ${cfg.burstConns} connections; ${BODY_BYTES}-byte JSON payloads`);
  say();
  const rows = [...Object.entries(results).map(([k, r]) => [`pubsub.${k}`, r]), ...(raw ? [['raw ioredis', raw]] : [])];
  const fixedRows = [['direct (no sidecar)', direct], ...rows];
  say(`Fixed rate (ms)     publish mean     p50     p99 | delivery p50     p99     max | delivered   errors  sidecar mCPU  RSS idle/peak MB`);
  for (const [name, r] of fixedRows) {
    const f = r.fixed;
    const proc = f.proc.sidecar ?? f.proc.consumer ?? f.proc.app;
    const rss = r.idleRss === undefined ? '' : `${r.idleRss.toFixed(1)} / ${proc.rssPeakMb.toFixed(1)}`;
    say(
      `${padR(name, 20)}${pad(f3(f.publish.mean), 12)}${pad(f3(f.publish.p50), 8)}${pad(f3(f.publish.p99), 8)} |${pad(f3(f.delivery.p50), 13)}${pad(f3(f.delivery.p99), 8)}${pad(f3(f.delivery.max), 8)} |` +
        `${pad(`${f.delivered}/${f.published}`, 12)}${pad(f.errors, 7)}${pad(r.idleRss === undefined ? `(${proc.mcpu.toFixed(0)})` : proc.mcpu.toFixed(0), 14)}  ${rss}`,
    );
  }
  say(`(direct: POST straight to the app, "delivery" = its arrival; raw ioredis: XADD latency and XADD-to-XREADGROUP latency; CPU in brackets: app / consumer)`);
  say();
  say(`Throughput          publish msg/s   delivered msg/s   delivered/published   sidecar mCPU   app mCPU`);
  for (const [name, r] of rows) {
    const t = r.throughput;
    const proc = t.proc.sidecar ?? t.proc.consumer;
    say(`${padR(name, 20)}${pad(t.publishRate.toFixed(0), 13)}${pad(t.deliveredRate.toFixed(0), 18)}${pad(`${t.delivered}/${t.published}`, 22)}${pad(proc.mcpu.toFixed(0), 15)}${pad(t.proc.app ? t.proc.app.mcpu.toFixed(0) : '-', 11)}`);
  }
  if (results.redis && raw) say(`pubsub.redis / raw ioredis delivered: ${((results.redis.throughput.deliveredRate / raw.throughput.deliveredRate) * 100).toFixed(1)}%`);
  const drains = rows.flatMap(([name, r]) => [
    ...(r.drain ? [[name, r.drain]] : []),
    ...(r.drainBulk ? [[`${name} bulk`, r.drainBulk]] : []),
  ]);
  if (drains.length) {
    say();
    say(`Backlog drain            publish msg/s (no subscriber)   drained msg/s   delivered/published   sidecar mCPU`);
    for (const [name, d] of drains) {
      const proc = d.proc.sidecar ?? d.proc.consumer;
      say(`${padR(name, 25)}${pad(d.publishRate.toFixed(0), 29)}${pad(d.deliveredRate.toFixed(0), 16)}${pad(`${d.delivered}/${d.published}`, 22)}${pad(proc.mcpu.toFixed(0), 15)}`);
    }
    say(`("bulk": bulkSubscribe maxMessagesCount ${BULK_OPTIONS.maxMessagesCount}, maxAwaitDurationMs ${BULK_OPTIONS.maxAwaitDurationMs}, component concurrency 100)`);
    if (results.redis?.drainBulk && raw?.drain) say(`pubsub.redis bulk / raw ioredis drained: ${((results.redis.drainBulk.deliveredRate / raw.drain.deliveredRate) * 100).toFixed(1)}%`);
    if (results.redis?.drain && raw?.drain) say(`pubsub.redis / raw ioredis drained: ${((results.redis.drain.deliveredRate / raw.drain.deliveredRate) * 100).toFixed(1)}%`);
  }
  for (const [kind, why] of Object.entries(skipped)) say(`SKIPPED pubsub.${kind}: ${why}`);
  say();
  say('Targets (docs/targets.md, 8)');
  for (const c of checks) say(`  ${c.pass === undefined ? 'INFO' : c.pass ? 'PASS' : 'FAIL'}  ${pad(c.id, 4)}  ${c.name}: ${c.detail}${c.info === undefined ? '' : c.info ? ' (would meet)' : ' (would not meet)'}`);
  console.log(lines.join('\n'));  await finishRun({ jsonFile, results: { meta, results, raw, skipped, checks }, checks, replacer: (k, v) => (k === 'lat' ? undefined : v) });
}

// Entry point (last, so every module-level binding above is initialised).
if (process.argv[2] === '--app') runApp(Number(process.argv[3]), process.argv[4], process.argv[5]);
else if (process.argv[2] === '--raw-consumer') {
  runRawConsumer(Number(process.argv[3]), process.argv[4], process.argv[5], process.argv[6], process.argv[7] ?? '$').catch((err) => {
    console.error(`raw consumer failed: ${err?.stack ?? err}`);
    process.exit(1);
  });
} else main().catch((err) => fatal(err));

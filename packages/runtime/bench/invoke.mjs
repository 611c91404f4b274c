#!/usr/bin/env node
// minidaprd service-invocation benchmark (targets 1-5 of docs/targets.md, method of section 1.5).
//
//   npm run bench -w @minidapr/runtime                 full run (60 s x 3 per topology, ~13 min)
//   BENCH_DURATION=15 BENCH_REPEATS=1 npm run bench -w @minidapr/runtime     quick run (~3 min)
//   npm run bench -w @minidapr/runtime -- --json results.json     also write the results as JSON
//
// Topologies, all in one run and interleaved repeat by repeat:
//   direct      load -> app                                   (baseline)
//   one hop     load -> sidecar "testapp" -> app
//   two hops    load -> sidecar "tester" -> sidecar "testapp" -> app
//   node proxy  load -> bare node:http keep-alive proxy -> app (reference; saturation only unless
//               BENCH_WITH_PROXY=1)
// Load: `hey` pinned to core 0; sidecars, proxy and app pinned to core 1 (taskset, when available).
// Schedule per topology and repeat: warm-up 100 rps / 16 conns / 10 s, then 1000 rps / 16 conns /
// BENCH_DURATION s / 1 KiB POST; each percentile is the median over BENCH_REPEATS repeats.
// Then closed-loop saturation (hey without -q); sidecar CPU (/proc/<pid>/stat) and RSS (VmRSS,
// 1 Hz); 10 cold starts (spawn -> first 204 from /v1.0/healthz/outbound).
//
// hey caveats: `-o csv` prints latencies in 0.1 ms steps (percentiles interpolate inside a step)
// and omits socket errors (counted here as responses the app sent that hey never recorded); with
// -q its 16 workers tick in phase, so requests arrive in bursts of 16 every 16 ms.
//
// Environment knobs: BENCH_DURATION (60), BENCH_REPEATS (3), BENCH_WARMUP (10), BENCH_RPS (1000),
// BENCH_CONNS (16), BENCH_SAT_DURATION (10), BENCH_STARTS (10), BENCH_SIDECAR_ARGS (extra sidecar
// flags, e.g. "--log-level warn"), BENCH_NODE_ARGS (extra node flags for the sidecars, e.g.
// "--max-semi-space-size=2"), BENCH_WITH_PROXY=1, BENCH_ARRIVALS=staggered (diagnostic: 16 hey
// processes with -c 1 started 1 ms apart, so arrivals are spread evenly), BENCH_NO_PIN=1,
// BENCH_KEEP_TMP=1 (keep logs and raw hey output), BENCH_STRICT=1 (exit 2 when a target fails).
//
// Node built-ins only; shared helpers live in bench/lib.mjs. Everything started here runs in its
// own process group and is killed on exit, on Ctrl-C and on errors.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LOAD_CORE,
  SUT_CORE,
  connCount,
  detectPin,
  envNum,
  exited,
  f3,
  fatal,
  freePorts,
  initClkTck,
  installCleanupHandlers,
  keepTmp,
  log,
  mean,
  median,
  nearestRank,
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
  which,
} from './lib.mjs';
import { exitWithParent, finishRun, minidaprdBin, parseBenchArgs, requireHey } from './cli.mjs';

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Target app: like Dapr's perf app (tests/apps/perf/service_invocation_http): POST /test -> 200,
// empty body. GET /__count reports how many /test requests it served (to spot lost responses).
function runTargetApp(port) {
  let served = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/__count') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(String(served));
      return;
    }
    const ok = req.url === '/test';
    if (ok) served++;
    req.on('end', () => {
      res.writeHead(ok ? 200 : 404, { 'content-length': '0' });
      res.end();
    });
    req.resume();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  exitWithParent();
}

// Reference only: the plainest keep-alive node:http reverse proxy (what targets.md's "a plain
// keep-alive Node proxy" means), to show what node:http itself costs on this machine.
function runPlainProxy(port, target) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const server = http.createServer((req, res) => {
    const out = http.request({ host: '127.0.0.1', port: target, method: req.method, path: '/test', headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    out.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(out);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  exitWithParent();
}

// ---------------------------------------------------------------------------------------------
async function main() {
  installCleanupHandlers();
  const args = parseBenchArgs(process.argv.slice(2), 'node bench/invoke.mjs');
  if (!args) return;
  const { jsonFile } = args;

  const hey = requireHey();
  const bin = minidaprdBin();

  const cfg = {
    rps: envNum('BENCH_RPS', 1000),
    conns: envNum('BENCH_CONNS', 16),
    duration: envNum('BENCH_DURATION', 60),
    repeats: envNum('BENCH_REPEATS', 3),
    warmup: envNum('BENCH_WARMUP', 10),
    warmupRps: 100,
    satDuration: envNum('BENCH_SAT_DURATION', 10),
    starts: envNum('BENCH_STARTS', 10),
    bodyBytes: 1024,
    withProxy: process.env.BENCH_WITH_PROXY === '1',
    arrivals: process.env.BENCH_ARRIVALS === 'staggered' ? 'staggered' : 'hey',
    sidecarArgs: (process.env.BENCH_SIDECAR_ARGS ?? '').split(/\s+/).filter(Boolean),
    // Default: the same Node flags every launcher gives the sidecar (SIDECAR_NODE_ARGS).
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? '--max-semi-space-size=2').split(/\s+/).filter(Boolean),
  };

  const clkTck = initClkTck();
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const pin = detectPin(cpus);
  const pinned = (core, cmd, args) => (pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);
  const hasSs = !!which('ss');

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-bench-'));
  setTmpDir(tmpDir);
  const home = path.join(tmpDir, 'home');
  fs.mkdirSync(home);
  const bodyFile = path.join(tmpDir, 'body.json');
  // 1024 bytes of valid JSON: {"data":"xxx...x"}
  const filler = 'x'.repeat(cfg.bodyBytes - '{"data":""}'.length);
  fs.writeFileSync(bodyFile, `{"data":"${filler}"}`);
  if (fs.statSync(bodyFile).size !== cfg.bodyBytes) throw new Error('body file is not 1024 bytes');

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus,
    cpuModel: os.cpus()[0]?.model,
    kernel: os.release(),
    hey: 'hey (Debian package)',
    pinned: pin ? { load: LOAD_CORE, sidecarsAndApp: SUT_CORE } : false,
    clkTck,
    config: cfg,
  };
  log(`node ${process.version}, ${cpus} cpus, pinning ${pin ? 'hey->core 0, sidecars+app->core 1' : 'off'}, duration ${cfg.duration}s x ${cfg.repeats}`);

  let logSeq = 0;
  const logFile = (name) => path.join(tmpDir, `${String(++logSeq).padStart(2, '0')}-${name}.log`);

  // ---- processes -------------------------------------------------------------------------
  async function startApp(port) {
    const fd = fs.openSync(logFile('app'), 'w');
    const [cmd, args] = pinned(SUT_CORE, process.execPath, [SELF, '--target-app', String(port)]);
    const cp = spawnTracked(cmd, args, { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    await waitFor(`http://127.0.0.1:${port}/__count`, 200, 10_000, 20, cp, 'target app');
    return cp;
  }

  async function startPlainProxy(target) {
    const [port] = await freePorts(1);
    const fd = fs.openSync(logFile('plain-proxy'), 'w');
    const [cmd, args] = pinned(SUT_CORE, process.execPath, [SELF, '--plain-proxy', String(port), String(target)]);
    const cp = spawnTracked(cmd, args, { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    await waitFor(`http://127.0.0.1:${port}/__count`, 200, 10_000, 20, cp, 'plain proxy');
    return { cp, pid: cp.pid, port };
  }

  async function startSidecar(appId, appPort, { waitReady = true, extra = [] } = {}) {
    const [httpPort, internalPort, metricsPort, grpcPort] = await freePorts(4);
    const args = [
      ...cfg.nodeArgs,
      bin,
      '--app-id', appId,
      ...(appPort ? ['--app-port', String(appPort)] : []),
      '--dapr-http-port', String(httpPort),
      '--dapr-internal-port', String(internalPort),
      '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort),
      ...cfg.sidecarArgs,
      ...extra,
    ];
    const file = logFile(`sidecar-${appId}`);
    const fd = fs.openSync(file, 'w');
    const env = { ...process.env, MINIDAPR_HOME: home };
    delete env.DAPR_API_TOKEN;
    delete env.APP_API_TOKEN;
    const [cmd, a] = pinned(SUT_CORE, process.execPath, args);
    const cp = spawnTracked(cmd, a, { stdio: ['ignore', fd, fd], env });
    fs.closeSync(fd);
    const sc = { appId, cp, pid: cp.pid, httpPort, internalPort, metricsPort, log: file };
    if (waitReady) {
      try {
        await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 30_000, 20, cp, `sidecar ${appId}`);
      } catch (err) {
        const tail = fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
        throw new Error(`${err.message}\n--- ${appId} log tail ---\n${tail}`);
      }
    }
    return sc;
  }

  /**
   * One hey run; returns the csv files written. Default: one hey with -c conns -q rps/conns (its
   * workers' tickers start together, so requests arrive in bursts of `conns` every conns/rps s, like
   * fortio without -uniform). BENCH_ARRIVALS=staggered (diagnostic): conns hey processes with -c 1,
   * started 1/rps s apart, so arrivals are spread evenly.
   */
  async function runHey({ url, rps, duration, outFile }) {
    const staggered = rps && cfg.arrivals === 'staggered';
    const procs = staggered ? cfg.conns : 1;
    const files = [];
    const running = [];
    for (let i = 0; i < procs; i++) {
      const c = staggered ? 1 : cfg.conns;
      const args = ['-z', `${duration}s`, '-c', String(c), '-m', 'POST', '-D', bodyFile, '-T', 'application/json'];
      if (rps) args.push('-q', String(rps / cfg.conns));
      if (pin) args.push('-cpus', '1');
      const file = outFile ? (staggered ? `${outFile}.${i}` : outFile) : undefined;
      if (file) {
        args.push('-o', 'csv');
        files.push(file);
      }
      args.push(url);
      const [cmd, a] = pinned(LOAD_CORE, hey, args);
      const out = fs.openSync(file ?? '/dev/null', 'w');
      const errFile = path.join(tmpDir, `hey-${i}.stderr`);
      const err = fs.openSync(errFile, 'w');
      const cp = spawnTracked(cmd, a, { stdio: ['ignore', out, err] });
      fs.closeSync(out);
      fs.closeSync(err);
      running.push(exited(cp).then((code) => {
        if (code !== 0) throw new Error(`hey exited with ${code}: ${fs.readFileSync(errFile, 'utf8').slice(0, 2000)}`);
      }));
      if (staggered && i < procs - 1) await sleep(1000 / rps);
    }
    await Promise.all(running);
    return files;
  }

  // ---- 1. start-up -----------------------------------------------------------------------
  log(`start-up: ${cfg.starts} cold starts (spawn -> first 204 from /v1.0/healthz/outbound, 5 ms polling)`);
  const startups = [];
  for (let i = 1; i <= cfg.starts; i++) {
    const [httpPort, internalPort, metricsPort, grpcPort] = await freePorts(4);
    const env = { ...process.env, MINIDAPR_HOME: home };
    const file = logFile(`startup-s${i}`);
    const fd = fs.openSync(file, 'w');
    const args = [...cfg.nodeArgs, bin, '--app-id', `s${i}`, '--dapr-http-port', String(httpPort), '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort), ...cfg.sidecarArgs];
    const [cmd, a] = pinned(SUT_CORE, process.execPath, args);
    const t0 = performance.now();
    const cp = spawnTracked(cmd, a, { stdio: ['ignore', fd, fd], env });
    fs.closeSync(fd);
    try {
      await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz/outbound`, 204, 15_000, 5, cp, `sidecar s${i}`);
    } catch (err) {
      throw new Error(`${err.message}\n--- s${i} log tail ---\n${fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n')}`);
    }
    const ms = performance.now() - t0;
    startups.push(ms);
    await stopChild(cp);
    log(`  s${i}: ${ms.toFixed(1)} ms`);
  }

  // ---- 2. topology -----------------------------------------------------------------------
  const [appPort] = await freePorts(1);
  const app = await startApp(appPort);
  const sidecarB = await startSidecar('testapp', appPort); // one hop, and the callee side of two hops
  const sidecarA = await startSidecar('tester', undefined); // caller side of two hops
  const proxy = await startPlainProxy(appPort); // reference: a bare node:http keep-alive proxy
  log(`app :${appPort} (pid ${app.pid}); testapp sidecar :${sidecarB.httpPort}/${sidecarB.internalPort} (pid ${sidecarB.pid}); tester sidecar :${sidecarA.httpPort} (pid ${sidecarA.pid})`);

  // Idle RSS, before any request went through the sidecars.
  await sleep(1000);
  const idle = { testapp: [], tester: [], app: [] };
  for (let i = 0; i < 3; i++) {
    idle.testapp.push(procRssMb(sidecarB.pid));
    idle.tester.push(procRssMb(sidecarA.pid));
    idle.app.push(procRssMb(app.pid));
    await sleep(1000);
  }
  const idleRss = Object.fromEntries(Object.entries(idle).map(([k, v]) => [k, mean(v)]));

  const topologies = [
    { key: 'direct', label: 'direct', url: `http://127.0.0.1:${appPort}/test`, pids: { app: app.pid } },
    {
      key: 'oneHop',
      label: 'one hop',
      url: `http://127.0.0.1:${sidecarB.httpPort}/v1.0/invoke/testapp/method/test`,
      entryPort: sidecarB.httpPort,
      pids: { testapp: sidecarB.pid, app: app.pid },
    },
    {
      key: 'twoHops',
      label: 'two hops',
      url: `http://127.0.0.1:${sidecarA.httpPort}/v1.0/invoke/testapp/method/test`,
      entryPort: sidecarA.httpPort,
      peerPort: sidecarB.internalPort,
      pids: { tester: sidecarA.pid, testapp: sidecarB.pid, app: app.pid },
    },
    {
      key: 'proxy',
      label: 'node proxy',
      ref: true,
      url: `http://127.0.0.1:${proxy.port}/v1.0/invoke/testapp/method/test`,
      entryPort: proxy.port,
      pids: { proxy: proxy.pid, app: app.pid },
    },
  ];
  // The plain proxy is a reference: always in the saturation runs, in the fixed-rate runs only
  // with BENCH_WITH_PROXY=1.
  const latencyTopologies = topologies.filter((t) => !t.ref || cfg.withProxy);
  const body = fs.readFileSync(bodyFile);
  for (const t of topologies) {
    const r = await request(t.url, { method: 'POST', body });
    if (r.status !== 200) throw new Error(`smoke test ${t.label}: ${t.url} answered ${r.status} ${r.body.slice(0, 300)}`);
  }
  const appServed = async () => Number((await request(`http://127.0.0.1:${appPort}/__count`)).body);

  // ---- 3. fixed-rate latency runs --------------------------------------------------------
  const runs = Object.fromEntries(latencyTopologies.map((t) => [t.key, []]));
  const benchStart = Date.now();
  for (let rep = 1; rep <= cfg.repeats; rep++) {
    for (const t of latencyTopologies) {
      log(`${t.label} #${rep}: warm-up ${cfg.warmupRps} rps x ${cfg.warmup}s`);
      await runHey({ url: t.url, rps: cfg.warmupRps, duration: cfg.warmup });
      log(`${t.label} #${rep}: measuring ${cfg.rps} rps x ${cfg.duration}s`);
      const before = await appServed();
      const stop = startSampler(t.pids);
      let conns;
      const probe = hasSs
        ? sleep((cfg.duration * 1000) / 2).then(() => {
            conns = {
              toApp: { established: connCount(appPort, 'established'), timeWait: connCount(appPort, 'time-wait') },
              toEntry: t.entryPort ? connCount(t.entryPort, 'established') : undefined,
              toPeer: t.peerPort ? { established: connCount(t.peerPort, 'established'), timeWait: connCount(t.peerPort, 'time-wait') } : undefined,
            };
          })
        : Promise.resolve();
      const outFile = path.join(tmpDir, `hey-${t.key}-${rep}.csv`);
      const files = await runHey({ url: t.url, rps: cfg.rps, duration: cfg.duration, outFile });
      const res = stop();
      await probe;
      const after = await appServed();
      const h = parseHeyCsv(files);
      const appReceived = after - before;
      const run = {
        repeat: rep,
        at: Math.round((Date.now() - benchStart) / 1000),
        requests: h.n,
        achievedRps: h.n / cfg.duration,
        non2xx: h.non2xx,
        statuses: h.statuses,
        appReceived,
        // A response the app sent that hey never recorded as a row = a socket error/timeout in hey.
        lost: Math.max(0, appReceived - (h.n - h.non2xx)),
        meanMs: h.meanMs,
        maxMs: h.maxMs,
        p: { p50: h.pct(50), p75: h.pct(75), p90: h.pct(90), p99: h.pct(99), p999: h.pct(99.9) },
        pRaw: { p50: h.rawPct(50), p75: h.rawPct(75), p90: h.rawPct(90), p99: h.rawPct(99), p999: h.rawPct(99.9) },
        procs: res,
        conns,
      };
      run.errors = run.non2xx + run.lost;
      runs[t.key].push(run);
      log(
        `  ${h.n} req, ${run.achievedRps.toFixed(1)} rps, p50 ${f3(run.p.p50)} p90 ${f3(run.p.p90)} p99 ${f3(run.p.p99)} ms, errors ${run.errors}` +
          Object.entries(res)
            .map(([k, v]) => `, ${k} ${v.mcpu.toFixed(0)} mCPU ${v.rssPeakMb.toFixed(1)} MB`)
            .join('') +
          (conns ? `, conns->app ${conns.toApp.established} (time-wait ${conns.toApp.timeWait})` : ''),
      );
      if (!keepTmp) for (const f of files) fs.rmSync(f, { force: true });
    }
  }

  // ---- 4. saturation ---------------------------------------------------------------------
  const saturation = {};
  for (const t of topologies) {
    log(`saturation ${t.label}: closed loop, ${cfg.conns} conns, ${cfg.satDuration}s (after 2 s warm-up)`);
    await runHey({ url: t.url, duration: 2 });
    const stop = startSampler(t.pids);
    const outFile = path.join(tmpDir, `hey-sat-${t.key}.csv`);
    const files = await runHey({ url: t.url, duration: cfg.satDuration, outFile });
    const res = stop();
    const h = parseHeyCsv(files);
    saturation[t.key] = { requests: h.n, rps: (h.n - h.non2xx) / cfg.satDuration, non2xx: h.non2xx, p50: h.pct(50), p99: h.pct(99), procs: res };
    log(`  ${saturation[t.key].rps.toFixed(0)} rps (2xx), non-2xx ${h.non2xx}, p50 ${f3(h.pct(50))} ms`);
    if (!keepTmp) fs.rmSync(outFile, { force: true });
  }
  const endRss = { testapp: procRssMb(sidecarB.pid), tester: procRssMb(sidecarA.pid) };

  await Promise.all([stopChild(sidecarA.cp), stopChild(sidecarB.cp), stopChild(proxy.cp)]);
  await stopChild(app);

  // ---- 5. summarise ----------------------------------------------------------------------
  const P = ['p50', 'p75', 'p90', 'p99', 'p999'];
  const PL = { p50: 'p50', p75: 'p75', p90: 'p90', p99: 'p99', p999: 'p99.9' };
  const summary = {};
  for (const t of latencyTopologies) {
    const rs = runs[t.key];
    summary[t.key] = {
      p: Object.fromEntries(P.map((k) => [k, median(rs.map((r) => r.p[k]))])),
      meanMs: median(rs.map((r) => r.meanMs)),
      achievedRps: median(rs.map((r) => r.achievedRps)),
      minAchievedRps: Math.min(...rs.map((r) => r.achievedRps)),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      requests: rs.reduce((a, r) => a + r.requests, 0),
    };
  }
  for (const t of latencyTopologies) {
    summary[t.key].added = Object.fromEntries(P.map((k) => [k, summary[t.key].p[k] - summary.direct.p[k]]));
    summary[t.key].addedMean = summary[t.key].meanMs - summary.direct.meanMs;
  }

  // Per sidecar: CPU (median over windows) and RSS under load (mean and peak over windows).
  const procStats = (key, who) => {
    const ws = runs[key].map((r) => r.procs[who]).filter(Boolean);
    return {
      mcpu: median(ws.map((w) => w.mcpu)),
      rssMeanMb: mean(ws.map((w) => w.rssMeanMb)),
      rssPeakMb: Math.max(...ws.map((w) => w.rssPeakMb)),
    };
  };
  const sidecars = {
    'one hop: testapp': { ...procStats('oneHop', 'testapp'), rssIdleMb: idleRss.testapp },
    'two hops: tester (A)': { ...procStats('twoHops', 'tester'), rssIdleMb: idleRss.tester },
    'two hops: testapp (B)': { ...procStats('twoHops', 'testapp'), rssIdleMb: idleRss.testapp },
  };
  const appStats = { direct: procStats('direct', 'app'), oneHop: procStats('oneHop', 'app'), twoHops: procStats('twoHops', 'app'), rssIdleMb: idleRss.app };
  // Growth: testapp sidecar's mean RSS in its first measured window vs its last one.
  const bWindows = [...runs.oneHop, ...runs.twoHops].sort((a, b) => a.at - b.at).map((r) => ({ at: r.at, rss: r.procs.testapp.rssMeanMb }));
  const growth = bWindows.length >= 2 ? { firstMb: bWindows[0].rss, lastMb: bWindows[bWindows.length - 1].rss, overSeconds: bWindows[bWindows.length - 1].at - bWindows[0].at } : undefined;
  if (growth) growth.pct = ((growth.lastMb - growth.firstMb) / growth.firstMb) * 100;

  const satRatio = saturation.oneHop.rps / saturation.direct.rps;
  const startup = { samplesMs: startups, p50: median(startups), p95: nearestRank(startups, 95), max: Math.max(...startups) };

  // ---- targets ---------------------------------------------------------------------------
  const minRps = 0.99 * cfg.rps;
  const one = summary.oneHop;
  const two = summary.twoHops;
  const checks = [];
  const check = (id, name, pass, detail) => checks.push({ id, name, pass, detail });
  check(
    1,
    'one hop: added p50 <= 0.3, p90 <= 0.6, p99 <= 1.5 ms; 0 errors; >= 99% of target rate',
    one.added.p50 <= 0.3 && one.added.p90 <= 0.6 && one.added.p99 <= 1.5 && one.errors === 0 && one.minAchievedRps >= minRps,
    `added p50 ${sign3(one.added.p50)}, p90 ${sign3(one.added.p90)}, p99 ${sign3(one.added.p99)} ms; errors ${one.errors}; min rate ${one.minAchievedRps.toFixed(1)} rps`,
  );
  check(
    2,
    'two hops: added p90 <= 1.0, p99 <= 2.0 ms; 0 errors; >= 99% of target rate',
    two.added.p90 <= 1.0 && two.added.p99 <= 2.0 && two.errors === 0 && two.minAchievedRps >= minRps,
    `added p90 ${sign3(two.added.p90)}, p99 ${sign3(two.added.p99)} ms; errors ${two.errors}; min rate ${two.minAchievedRps.toFixed(1)} rps`,
  );
  check(3, 'saturation one hop >= 40% of direct', satRatio >= 0.4, `${saturation.oneHop.rps.toFixed(0)} / ${saturation.direct.rps.toFixed(0)} rps = ${(satRatio * 100).toFixed(1)}%`);
  const cpuMax = Math.max(...Object.values(sidecars).map((s) => s.mcpu));
  check('4a', 'sidecar CPU at 1000 rps <= 150 mCPU (each sidecar)', cpuMax <= 150, Object.entries(sidecars).map(([k, s]) => `${k} ${s.mcpu.toFixed(0)}`).join(', ') + ' mCPU');
  const idleMax = Math.max(idleRss.testapp, idleRss.tester);
  check('4b', 'sidecar RSS idle <= 60 MB', idleMax <= 60, `testapp ${idleRss.testapp.toFixed(1)} MB, tester ${idleRss.tester.toFixed(1)} MB`);
  const peakMax = Math.max(...Object.values(sidecars).map((s) => s.rssPeakMb));
  check('4c', 'sidecar RSS under load <= 80 MB (peak)', peakMax <= 80, Object.entries(sidecars).map(([k, s]) => `${k} ${s.rssPeakMb.toFixed(1)}`).join(', ') + ' MB');
  if (growth) {
    const long = growth.overSeconds >= 540;
    checks.push({
      id: '4d',
      name: `sidecar RSS growth <= 10% (testapp, first vs last load window${long ? '' : '; run too short for the 10-minute target, informational'})`,
      pass: long ? growth.pct <= 10 : undefined,
      detail: `${growth.firstMb.toFixed(1)} -> ${growth.lastMb.toFixed(1)} MB over ${(growth.overSeconds / 60).toFixed(1)} min (${growth.pct >= 0 ? '+' : ''}${growth.pct.toFixed(1)}%)`,
    });
  }
  check(5, 'start-up p95 <= 300 ms (spawn -> /v1.0/healthz/outbound 204)', startup.p95 <= 300, `p50 ${startup.p50.toFixed(1)} ms, p95 ${startup.p95.toFixed(1)} ms`);

  // ---- print -----------------------------------------------------------------------------
  const lines = [];
  const say = (s = '') => lines.push(s);
  say(`minidaprd invoke benchmark — ${meta.date}`);
  say(`node ${meta.node}, ${cpus} cpus (${meta.cpuModel}), kernel ${meta.kernel}; load: hey; pinning: ${pin ? 'hey on core 0, sidecars + app on core 1' : 'off'}`);
  if (cfg.arrivals === 'staggered') say('ARRIVALS STAGGERED (diagnostic): 16 hey processes x -c 1, started 1 ms apart; not the reference method');
  say(`fixed rate ${cfg.rps} rps, ${cfg.conns} connections, ${cfg.bodyBytes}-byte POST; warm-up ${cfg.warmupRps} rps x ${cfg.warmup}s; measured ${cfg.duration}s x ${cfg.repeats} (median of each percentile)`);
  if (cfg.sidecarArgs.length || cfg.nodeArgs.length) say(`sidecar extra args: ${[...cfg.nodeArgs, ...cfg.sidecarArgs].join(' ')}`);
  say();
  say(`Latency (ms)           ${P.map((k) => pad(PL[k], 8)).join('')}${pad('mean', 8)}${pad('rps', 9)}${pad('errors', 8)}`);
  for (const t of latencyTopologies) {
    const s = summary[t.key];
    say(`${padR(t.label, 10)} total      ${P.map((k) => pad(f3(s.p[k]), 8)).join('')}${pad(f3(s.meanMs), 8)}${pad(s.achievedRps.toFixed(1), 9)}${pad(s.errors, 8)}`);
    if (t.key !== 'direct') say(`${padR('', 10)} added      ${P.map((k) => pad(sign3(s.added[k]), 8)).join('')}${pad(sign3(s.addedMean), 8)}`);
  }
  say(`(hey reports latencies in 0.1 ms steps; percentiles interpolate within a step. per-repeat values: --json)`);
  say();
  say(`Saturation (closed loop, ${cfg.conns} connections, ${cfg.satDuration}s, 1 KiB POST)`);
  for (const t of topologies) {
    const s = saturation[t.key];
    say(`  ${padR(t.label, 10)} ${pad(s.rps.toFixed(0), 7)} rps   p50 ${f3(s.p50)} ms  p99 ${f3(s.p99)} ms  non-2xx ${s.non2xx}${t.key === 'direct' ? '' : `   ${((s.rps / saturation.direct.rps) * 100).toFixed(1)}% of direct`}${t.ref ? '   (reference: bare node:http keep-alive proxy, not a sidecar)' : ''}`);
  }
  say();
  say(`Sidecar resources at ${cfg.rps} rps          CPU mCPU   RSS idle MB   RSS load mean MB   RSS load peak MB`);
  for (const [k, s] of Object.entries(sidecars)) {
    say(`  ${padR(k, 34)} ${pad(s.mcpu.toFixed(0), 8)} ${pad(s.rssIdleMb.toFixed(1), 13)} ${pad(s.rssMeanMb.toFixed(1), 18)} ${pad(s.rssPeakMb.toFixed(1), 18)}`);
  }
  say(`  ${padR('app (direct / one hop / two hops)', 34)} ${pad(`${appStats.direct.mcpu.toFixed(0)}/${appStats.oneHop.mcpu.toFixed(0)}/${appStats.twoHops.mcpu.toFixed(0)}`, 8)} ${pad(appStats.rssIdleMb.toFixed(1), 13)} ${pad(appStats.direct.rssMeanMb.toFixed(1), 18)} ${pad(Math.max(appStats.direct.rssPeakMb, appStats.oneHop.rssPeakMb, appStats.twoHops.rssPeakMb).toFixed(1), 18)}`);
  if (runs.proxy) {
    const ps = procStats('proxy', 'proxy');
    say(`  ${padR('node proxy (reference)', 34)} ${pad(ps.mcpu.toFixed(0), 8)} ${pad('', 13)} ${pad(ps.rssMeanMb.toFixed(1), 18)} ${pad(ps.rssPeakMb.toFixed(1), 18)}`);
  }
  const c1 = runs.oneHop.find((r) => r.conns)?.conns;
  const c2 = runs.twoHops.find((r) => r.conns)?.conns;
  if (c1 || c2) {
    say(
      `  connections mid-run: one hop sidecar->app ${c1?.toApp.established ?? '?'} established / ${c1?.toApp.timeWait ?? '?'} time-wait; ` +
        `two hops A->B ${c2?.toPeer?.established ?? '?'} established / ${c2?.toPeer?.timeWait ?? '?'} time-wait`,
    );
  }
  say();
  say(`Start-up (${cfg.starts} cold starts, spawn -> 204 on /v1.0/healthz/outbound): p50 ${startup.p50.toFixed(1)} ms, p95 ${startup.p95.toFixed(1)} ms (nearest rank), max ${startup.max.toFixed(1)} ms`);
  say();
  say('Targets (docs/targets.md)');
  for (const c of checks) say(`  ${c.pass === undefined ? 'INFO' : c.pass ? 'PASS' : 'FAIL'}  ${pad(c.id, 2)}  ${c.name}: ${c.detail}`);
  console.log(lines.join('\n'));

  await finishRun({ jsonFile, results: { meta, summary, runs, saturation, saturationRatio: satRatio, sidecars, app: appStats, idleRss, endRss, growth, startup, checks }, checks });
}

// Entry point (last, so every module-level binding above is initialised).
if (process.argv[2] === '--target-app') runTargetApp(Number(process.argv[3]));
else if (process.argv[2] === '--plain-proxy') runPlainProxy(Number(process.argv[3]), Number(process.argv[4]));
else main().catch((err) => fatal(err));

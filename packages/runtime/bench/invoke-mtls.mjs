#!/usr/bin/env node
// What mTLS between sidecars costs on service invocation (issue 12).
//
//   node packages/runtime/bench/invoke-mtls.mjs                    (~2 min with the defaults)
//   BENCH_DURATION=20 BENCH_REPEATS=5 node packages/runtime/bench/invoke-mtls.mjs --json out.json
//
// Topology (two hops): load -> sidecar "tester" -> sidecar "testapp" -> app, once with mTLS off
// (plain HTTP between the sidecars) and once with mTLS on (a trust root made like `minidapr init`,
// config spec.mtls.enabled: true). Both pairs run at the same time; the modes are measured
// alternately, repeat by repeat, so drift on a shared machine hits both alike.
// Load: a closed loop of BENCH_CONNS (16) keep-alive connections in this process, each sending
// 1 KiB POSTs back to back for BENCH_DURATION (10) s after a BENCH_WARMUP (3) s warm-up; latency is
// timed per request with hrtime. Per mode: p50/p90/p99 and requests/s, median over BENCH_REPEATS (3).
// Also: the first call after start-up in each mode (a fresh TLS handshake with mTLS on).
//
// Node built-ins only (plus the built runtime's trust-root helper). Everything started here runs in
// its own process group and is killed on exit, on Ctrl-C and on errors.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { envNum, exited, f3, fatal, freePorts, installCleanupHandlers, log, median, nearestRank, pad, padR, setTmpDir, spawnTracked, waitFor } from './lib.mjs';
import { exitWithParent, finishRun, minidaprdBin, parseBenchArgs } from './cli.mjs';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--app') {
  // The target app: POST /test -> 200, empty body.
  exitWithParent();
  http
    .createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-length': 0 }).end());
    })
    .listen(Number(process.argv[3]), '127.0.0.1');
} else {
  main().catch(fatal);
}

async function main() {
  const args = parseBenchArgs(process.argv.slice(2), 'node bench/invoke-mtls.mjs');
  if (!args) return;
  installCleanupHandlers();
  const bin = minidaprdBin();
  const require = createRequire(import.meta.url);
  const { ensureTrustRoot } = require('../dist/security/trust-root.js');
  const DURATION = envNum('BENCH_DURATION', 10);
  const WARMUP = envNum('BENCH_WARMUP', 3);
  const REPEATS = envNum('BENCH_REPEATS', 3);
  const CONNS = envNum('BENCH_CONNS', 16);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-invoke-mtls-'));
  setTmpDir(tmp);

  const modes = {};
  for (const mode of ['plain', 'mtls']) {
    const home = path.join(tmp, mode);
    fs.mkdirSync(home, { recursive: true });
    const extra = [];
    if (mode === 'mtls') {
      await ensureTrustRoot(path.join(home, 'certs'), 'public');
      fs.writeFileSync(path.join(home, 'config.yaml'), 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  mtls:\n    enabled: true\n');
      extra.push('--config', path.join(home, 'config.yaml'));
    }
    const [appPort, aHttp, aInt, bHttp, bInt, aGrpc, bGrpc] = await freePorts(7);
    const app = spawnTracked(process.execPath, [SELF, '--app', String(appPort)], { stdio: 'ignore' });
    const env = { ...process.env, MINIDAPR_HOME: home };
    const common = ['--log-level', 'warn', '--enable-metrics=false', '--resources-path', home, ...extra];
    const logFile = (n) => fs.openSync(path.join(tmp, `${mode}-${n}.log`), 'w');
    const testapp = spawnTracked(process.execPath, [bin, '--app-id', 'testapp', '--app-port', String(appPort), '--dapr-http-port', String(aHttp), '--dapr-internal-port', String(aInt), '--dapr-grpc-port', String(aGrpc), ...common], { env, stdio: ['ignore', logFile('testapp'), logFile('testapp')] });
    const tester = spawnTracked(process.execPath, [bin, '--app-id', 'tester', '--dapr-http-port', String(bHttp), '--dapr-internal-port', String(bInt), '--dapr-grpc-port', String(bGrpc), ...common], { env, stdio: ['ignore', logFile('tester'), logFile('tester')] });
    await waitFor(`http://127.0.0.1:${aHttp}/v1.0/healthz`, 204, 20000, 50, testapp, `testapp (${mode})`);
    await waitFor(`http://127.0.0.1:${bHttp}/v1.0/healthz`, 204, 20000, 50, tester, `tester (${mode})`);
    const url = `http://127.0.0.1:${bHttp}/v1.0/invoke/testapp/method/test`;
    const t0 = process.hrtime.bigint();
    const first = await post(new http.Agent({ keepAlive: true }), url, Buffer.alloc(1024, 97));
    if (first !== 200) throw new Error(`${mode}: first call answered ${first}`);
    modes[mode] = { url, firstCallMs: Number(process.hrtime.bigint() - t0) / 1e6, runs: [], procs: [app, testapp, tester] };
    log(`${mode}: sidecars up, first call ${f3(modes[mode].firstCallMs)} ms`);
  }

  for (let r = 0; r < REPEATS; r++) {
    for (const mode of r % 2 === 0 ? ['plain', 'mtls'] : ['mtls', 'plain']) {
      await load(modes[mode].url, CONNS, WARMUP);
      const run = await load(modes[mode].url, CONNS, DURATION);
      modes[mode].runs.push(run);
      log(`repeat ${r + 1}/${REPEATS} ${mode}: p50 ${f3(run.p50)} p90 ${f3(run.p90)} p99 ${f3(run.p99)} ms, ${Math.round(run.rps)} req/s, ${run.errors} errors`);
    }
  }

  const results = { conns: CONNS, durationS: DURATION, repeats: REPEATS, cpus: os.cpus().length, loadavg: os.loadavg(), modes: {} };
  console.log(`\nTwo hops, ${CONNS} connections, ${DURATION} s x ${REPEATS}, 1 KiB POST (median over repeats; ms)`);
  console.log(`${padR('mode', 6)} ${pad('p50', 8)} ${pad('p90', 8)} ${pad('p99', 8)} ${pad('req/s', 8)} ${pad('errors', 7)} ${pad('first call', 11)}`);
  for (const [mode, m] of Object.entries(modes)) {
    const s = {
      p50: median(m.runs.map((x) => x.p50)),
      p90: median(m.runs.map((x) => x.p90)),
      p99: median(m.runs.map((x) => x.p99)),
      rps: median(m.runs.map((x) => x.rps)),
      errors: m.runs.reduce((a, x) => a + x.errors, 0),
      firstCallMs: m.firstCallMs,
    };
    results.modes[mode] = s;
    console.log(`${padR(mode, 6)} ${pad(f3(s.p50), 8)} ${pad(f3(s.p90), 8)} ${pad(f3(s.p99), 8)} ${pad(Math.round(s.rps), 8)} ${pad(s.errors, 7)} ${pad(f3(s.firstCallMs), 11)}`);
  }
  const d = (k) => results.modes.mtls[k] - results.modes.plain[k];
  console.log(`mTLS adds p50 ${f3(d('p50'))} ms, p99 ${f3(d('p99'))} ms; throughput ${f3((results.modes.mtls.rps / results.modes.plain.rps - 1) * 100)} %`);
  for (const m of Object.values(modes)) for (const p of m.procs) p.kill('SIGTERM');
  await Promise.all(Object.values(modes).flatMap((m) => m.procs.map((p) => exited(p))));
  await finishRun({ jsonFile: args.jsonFile, results, checks: [] });
}

function post(agent, url, body) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** A closed loop of `conns` workers for `seconds`: latencies (ms), requests/s and failures. */
async function load(url, conns, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const body = Buffer.alloc(1024, 97);
  const lat = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (Date.now() < end) {
        const t = process.hrtime.bigint();
        const status = await post(agent, url, body);
        if (status === 200) lat.push(Number(process.hrtime.bigint() - t) / 1e6);
        else errors++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { p50: nearestRank(lat, 50), p90: nearestRank(lat, 90), p99: nearestRank(lat, 99), rps: lat.length / elapsed, errors };
}

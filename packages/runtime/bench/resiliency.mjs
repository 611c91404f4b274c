#!/usr/bin/env node
// What a Resiliency resource costs service invocation (issue 16), on this checkout's build.
//
//   npm run bench:resiliency -w @minidapr/runtime         (~3 min with the defaults; build first)
//
// Three caller/callee sidecar pairs of the same build, one shared app (POST -> 200 "ok"):
//   none       no Resiliency resource (the runner's built-in DaprBuiltInServiceRetries only)
//   other      a Resiliency whose policies target another app id (the callee gets the built-ins)
//   targeted   a Resiliency targeting the callee: timeout 5s, 3 retries, a circuit breaker
//              (every call then buffers its body, runs under the timeout and the breaker)
// Each round loads every variant in a rotating order: a closed loop of BENCH_RES_CONNS (16)
// keep-alive connections POSTing 1 KiB through caller -> callee -> app for BENCH_RES_SECONDS (5) s
// after a 1 s warm-up. Sidecars on cpu 1, this process and the app on cpu 0 (taskset; BENCH_NO_PIN=1
// turns it off). Printed per variant: median requests/s over BENCH_RES_ROUNDS (4) rounds, the
// sidecars' CPU µs per request, p50/p99 latency, and the ratios against `none`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LOAD_CORE, SUT_CORE, cleanup, detectPin, envNum, f3, fatal, freePorts, initClkTck, installCleanupHandlers,
  log, median, pad, padR, setTmpDir, spawnTracked, waitFor,
} from './lib.mjs';
import { httpLoad, withCpu } from './load.mjs';

const RUNTIME = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(RUNTIME, 'bin', 'minidaprd.js');
const cfg = { rounds: envNum('BENCH_RES_ROUNDS', 4), seconds: envNum('BENCH_RES_SECONDS', 5), conns: envNum('BENCH_RES_CONNS', 16) };

installCleanupHandlers();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-res-bench-'));
setTmpDir(tmp);
const pin = detectPin(os.cpus().length);
const pinned = (core, cmd, args) => (pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

const resiliency = (target) => `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: bench
spec:
  policies:
    timeouts:
      general: 5s
    retries:
      threeRetries:
        policy: constant
        duration: 100ms
        maxRetries: 3
    circuitBreakers:
      cb:
        maxRequests: 1
        timeout: 30s
        trip: consecutiveFailures > 100
  targets:
    apps:
      ${target}:
        timeout: general
        retry: threeRetries
        circuitBreaker: cb
`;

const VARIANTS = [
  { name: 'none', yaml: undefined },
  { name: 'other', yaml: () => resiliency('someoneelse') },
  { name: 'targeted', yaml: (callee) => resiliency(callee) },
];

function startApp(port) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function startSidecar(home, appId, resources, extra) {
  const [httpPort, internalPort, metricsPort, grpcPort] = await freePorts(4);
  const args = ['--max-semi-space-size=2', BIN, '--app-id', appId, '--dapr-http-port', String(httpPort), '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort), '--log-level', 'warn', '--resources-path', resources, ...extra];
  const env = { ...process.env, MINIDAPR_HOME: home };
  delete env.DAPR_API_TOKEN;
  delete env.APP_API_TOKEN;
  const out = fs.openSync(path.join(tmp, `${appId}.log`), 'w');
  const [cmd, a] = pinned(SUT_CORE, process.execPath, args);
  const cp = spawnTracked(cmd, a, { stdio: ['ignore', out, out], env, cwd: tmp });
  fs.closeSync(out);
  await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 30_000, 20, cp, `sidecar ${appId}`);
  return { pid: cp.pid, httpPort };
}

async function startVariant(v, appPort) {
  const home = path.join(tmp, `home-${v.name}`);
  const resources = path.join(tmp, `resources-${v.name}`);
  fs.mkdirSync(home);
  fs.mkdirSync(resources);
  const calleeId = `callee-${v.name}`;
  if (v.yaml) fs.writeFileSync(path.join(resources, 'resiliency.yaml'), v.yaml(calleeId));
  const callee = await startSidecar(home, calleeId, resources, ['--app-port', String(appPort)]);
  const caller = await startSidecar(home, `caller-${v.name}`, resources, []);
  const url = `http://127.0.0.1:${caller.httpPort}/v1.0/invoke/${calleeId}/method/echo`;
  const deadline = Date.now() + 15_000;
  while ((await once(url)) !== 200) {
    if (Date.now() > deadline) throw new Error(`${v.name}: invoke through the sidecars does not answer 200`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...v, url, pids: [caller.pid, callee.pid] };
}

const PAYLOAD = JSON.stringify({ data: 'x'.repeat(1000) });

/** Closed loop of cfg.conns connections POSTing the payload for ms. */
const load = (url, ms) => httpLoad({ method: 'POST', url, body: PAYLOAD, conns: cfg.conns, ms });

function once(url) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(PAYLOAD);
  });
}


async function main() {
  const clkTck = initClkTck();
  if (pin) execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  if (!fs.existsSync(path.join(RUNTIME, 'dist', 'bin.js'))) throw new Error('dist/bin.js is missing: run npm run build first');
  const [appPort] = await freePorts(1);
  const app = await startApp(appPort);
  const variants = [];
  for (const v of VARIANTS) variants.push(await startVariant(v, appPort));
  const results = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let round = 0; round < cfg.rounds; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of order) {
      await load(v.url, 1000);
      const r = await withCpu(v.pids, clkTck, () => load(v.url, cfg.seconds * 1000));
      results[v.name].push(r);
      if (r.errors) log(`${v.name}: ${r.errors} errors`);
    }
    log(`round ${round + 1}/${cfg.rounds} done`);
  }
  app.close();
  const m = (name, f) => median(results[name].map((r) => r[f]));
  console.log(`${cfg.rounds} rounds × ${cfg.seconds} s per variant, ${cfg.conns} connections, closed loop, 1 KiB POST through two sidecars${pin ? ', sidecars on cpu 1' : ''}`);
  console.log('rps: requests/s (median); cpu: sidecar CPU µs per request; ratios against `none` (rps above 1: faster; cpu below 1: cheaper)');
  console.log(`${padR('variant', 10)}${pad('rps', 9)}${pad('rps/none', 10)}${pad('cpu', 8)}${pad('cpu/none', 10)}${pad('p50', 8)}${pad('p99', 8)}`);
  for (const v of variants) {
    console.log(`${padR(v.name, 10)}${pad(m(v.name, 'rps').toFixed(0), 9)}${pad(f3(m(v.name, 'rps') / m('none', 'rps')), 10)}${pad(m(v.name, 'cpuUs').toFixed(1), 8)}${pad(f3(m(v.name, 'cpuUs') / m('none', 'cpuUs')), 10)}${pad(f3(m(v.name, 'p50')), 8)}${pad(f3(m(v.name, 'p99')), 8)}`);
  }
}

main().then(() => cleanup(), fatal);

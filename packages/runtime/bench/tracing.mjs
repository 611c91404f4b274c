#!/usr/bin/env node
// Issue 14: what tracing costs one-hop service invocation, in one interleaved run of this checkout's
// build (`npm run build` first).
//
//   npm run bench:tracing -w @minidapr/runtime          (~1 min with the defaults)
//
// Three variants, each a caller + callee sidecar pair (caller → callee → app, POST 1 KiB, the app
// answers 200), differing only in their Configuration:
//   off      spec.tracing.samplingRate "0": tracing off (the plain traceparent pass-through)
//   default  no --config: daprd's default sampling 0.0001, no exporter (non-recording spans)
//   on       samplingRate "1", Zipkin export to a receiver in this process that accepts and discards
// Each round runs every variant twice (in rotating order, then reversed) for BENCH_TRACING_SECONDS
// (2) s after a 0.5 s warm-up, a closed loop of BENCH_TRACING_CONNS (16) keep-alive connections;
// BENCH_TRACING_ROUNDS (3) rounds. Printed per variant: median requests/s, the sidecars' CPU µs per
// request (/proc user+system of both sidecars over the requests served), p50/p99, and each ratio
// to "off". BENCH_TRACING_BASE=<commit> adds "on-base": the "on" variant run by that commit's
// minidaprd (built from `git archive` into a temporary directory, as bench/ab.mjs does), so a
// change to the sampled path is compared in the same interleaved run. BENCH_TRACING_DOWN=1 adds
// "on-down": sampling 1.0 exporting to a closed port (a collector that is down). Sidecars pinned to cpu 1, load, app and receiver to cpu 0 (BENCH_NO_PIN=1: unpinned).
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

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '..', 'bin', 'minidaprd.js');
const REPO = path.resolve(HERE, '..', '..', '..');
// BENCH_TRACING_NODE_ARGS: extra node flags for every sidecar (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
const nodeArgs = (process.env.BENCH_TRACING_NODE_ARGS ?? '').split(' ').filter(Boolean);
const cfg = {
  rounds: envNum('BENCH_TRACING_ROUNDS', 3),
  seconds: envNum('BENCH_TRACING_SECONDS', 2),
  conns: envNum('BENCH_TRACING_CONNS', 16),
};

installCleanupHandlers();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-bench-tracing-'));
setTmpDir(tmp);
const pin = detectPin(os.cpus().length);
const pinned = (core, cmd, args) => (pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

function listen(handler, port = 0) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const appHandler = (req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
};

let spansReceived = 0;
const zipkinHandler = (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    // Count without parsing every batch in full: one span object per '"traceId"'.
    spansReceived += Buffer.concat(chunks).toString('latin1').split('"traceId"').length - 1;
    res.writeHead(202).end();
  });
};

function configYaml(rate, zipkinUrl) {
  return `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: bench\nspec:\n  tracing:\n    samplingRate: "${rate}"\n` + (zipkinUrl ? `    zipkin:\n      endpointAddress: ${zipkinUrl}\n` : '');
}

/** The baseline commit's runtime, built from git into tmp/base; returns its minidaprd entry. */
function buildBaseline(ref) {
  const base = path.join(tmp, 'base');
  fs.mkdirSync(base);
  const tar = path.join(tmp, 'base.tar');
  execFileSync('git', ['-C', REPO, 'archive', '-o', tar, ref, 'packages/runtime', 'tsconfig.base.json']);
  execFileSync('tar', ['-xf', tar, '-C', base]);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(base, 'node_modules'));
  log(`building the baseline ${ref}`);
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: path.join(base, 'packages', 'runtime'), stdio: 'inherit' });
  return path.join(base, 'packages', 'runtime', 'bin', 'minidaprd.js');
}

async function startSidecar(home, appId, extra, bin = BIN) {
  const [httpPort, internalPort, metricsPort, grpcPort] = await freePorts(4);
  const args = ['--max-semi-space-size=2', ...nodeArgs, bin, '--app-id', appId, '--dapr-http-port', String(httpPort), '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort), '--log-level', 'warn', ...extra];
  const env = { ...process.env, MINIDAPR_HOME: home };
  delete env.DAPR_API_TOKEN;
  delete env.APP_API_TOKEN;
  const out = fs.openSync(path.join(tmp, `${path.basename(home)}-${appId}.log`), 'w');
  const [cmd, a] = pinned(SUT_CORE, process.execPath, args);
  const cp = spawnTracked(cmd, a, { stdio: ['ignore', out, out], env, cwd: tmp });
  fs.closeSync(out);
  await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 30_000, 20, cp, `sidecar ${appId}`);
  return { cp, pid: cp.pid, httpPort };
}

async function startVariant(name, configText, appPort, bin = BIN) {
  const home = path.join(tmp, `home-${name}`);
  fs.mkdirSync(home);
  const extra = [];
  if (configText) {
    fs.writeFileSync(path.join(home, 'config.yaml'), configText);
    extra.push('--config', path.join(home, 'config.yaml'));
  }
  const callee = await startSidecar(home, `callee-${name}`, ['--app-port', String(appPort), ...extra], bin);
  const caller = await startSidecar(home, `caller-${name}`, extra, bin);
  const url = `http://127.0.0.1:${caller.httpPort}/v1.0/invoke/callee-${name}/method/echo`;
  const deadline = Date.now() + 15_000;
  while ((await once(url)) !== 200) {
    if (Date.now() > deadline) throw new Error(`${name}: invoke through the sidecars failed`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name, url, pids: [caller.pid, callee.pid] };
}

function once(url) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end('x');
  });
}

const PAYLOAD = JSON.stringify({ data: 'x'.repeat(1000) });

const load = (url, ms) => httpLoad({ method: 'POST', url, body: PAYLOAD, conns: cfg.conns, ms });


async function main() {
  const clkTck = initClkTck();
  if (pin) execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  if (!fs.existsSync(path.resolve(HERE, '..', 'dist', 'bin.js'))) throw new Error('dist/bin.js is missing: run npm run build first');
  const app = await listen(appHandler);
  const zipkin = await listen(zipkinHandler);
  const appPort = app.address().port;
  const zipkinUrl = `http://127.0.0.1:${zipkin.address().port}/api/v2/spans`;
  const variants = [
    await startVariant('off', configYaml('0'), appPort),
    await startVariant('default', undefined, appPort),
    await startVariant('on', configYaml('1', zipkinUrl), appPort),
  ];
  // "on-down": sampled, exporting to a collector that is down (a closed port): spans dropped and
  // counted; the acceptance line says such a sidecar keeps serving at full speed.
  if (process.env.BENCH_TRACING_DOWN) {
    const closed = await listen(() => undefined);
    const downUrl = `http://127.0.0.1:${closed.address().port}/api/v2/spans`;
    await new Promise((resolve) => closed.close(resolve));
    variants.push(await startVariant('on-down', configYaml('1', downUrl), appPort));
  }
  // "on-noexport": sampled spans with no exporter (recorded, then dropped): the request path alone.
  if (process.env.BENCH_TRACING_NOEXPORT) variants.push(await startVariant('on-noexport', configYaml('1'), appPort));
  if (process.env.BENCH_TRACING_BASE) variants.push(await startVariant('on-base', configYaml('1', zipkinUrl), appPort, buildBaseline(process.env.BENCH_TRACING_BASE)));
  const results = Object.fromEntries(variants.map((v) => [v.name, []]));
  let served = 0;
  for (let round = 0; round < cfg.rounds; round++) {
    const rotated = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of [...rotated, ...rotated.reverse()]) {
      await load(v.url, 500);
      const r = await withCpu(v.pids, clkTck, () => load(v.url, cfg.seconds * 1000));
      results[v.name].push(r);
      if (v.name.startsWith('on')) served += r.count;
      if (r.errors) log(`${v.name}: ${r.errors} errors`);
    }
    log(`round ${round + 1}/${cfg.rounds} done`);
  }
  app.close();
  zipkin.close();
  console.log(`one-hop invoke (caller sidecar → callee sidecar → app, POST 1 KiB); ${cfg.rounds} rounds × 2 runs of ${cfg.seconds} s per variant, ${cfg.conns} connections, closed loop${pin ? ', sidecars on cpu 1' : ''}`);
  console.log('rps: requests/s (median); cpu: both sidecars\' CPU µs per request; p50/p99 in ms; ratios against "off"');
  console.log(`${padR('variant', 10)}${pad('rps', 9)}${pad('rps/off', 9)}${pad('cpu', 8)}${pad('cpu/off', 9)}${pad('p50', 8)}${pad('p99', 8)}`);
  const m = (k, f) => median(results[k].map((r) => r[f]));
  for (const v of variants) {
    console.log(`${padR(v.name, 10)}${pad(m(v.name, 'rps').toFixed(0), 9)}${pad(f3(m(v.name, 'rps') / m('off', 'rps')), 9)}${pad(m(v.name, 'cpuUs').toFixed(1), 8)}${pad(f3(m(v.name, 'cpuUs') / m('off', 'cpuUs')), 9)}${pad(f3(m(v.name, 'p50')), 8)}${pad(f3(m(v.name, 'p99')), 8)}`);
  }
  console.log(`"on*": the receiver got ${spansReceived} spans for ${served} measured requests (+ warm-ups; 2 spans per request expected)`);
}

main().then(() => cleanup(), fatal);

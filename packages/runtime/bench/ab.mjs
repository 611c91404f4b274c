#!/usr/bin/env node
// Interleaved A/B of two minidaprd builds: a baseline commit (A) against this checkout (B).
//
//   BENCH_AB_REF=<commit> node packages/runtime/bench/ab.mjs          (~6 min with the defaults)
//   npm run bench:ab -w @minidapr/runtime -- <commit>                  the same
//
// A is built from `git archive <ref> packages/runtime` into a temporary directory (its
// node_modules is this checkout's, so both builds run the same dependencies); B is this checkout's
// packages/runtime, built (`npm run build`) beforehand. Each round runs every workload against A
// and B in ABBA / BAAB order, so drift in machine load falls on both equally. Workloads, each a
// closed loop of BENCH_AB_CONNS (16) keep-alive connections from this process for
// BENCH_AB_SECONDS (5) s after a 1 s warm-up:
//   invoke      POST 1 KiB through two sidecars (caller → callee → app), the app answers 200
//   state-save  POST /v1.0/state/statestore one key (in-memory store)
//   state-get   GET  /v1.0/state/statestore/<key>
// The sidecars are pinned to cpu 1 and this process and the app to cpu 0 (taskset; BENCH_NO_PIN=1
// turns it off; BENCH_AB_ONLY=state-save,state-get runs only those). Printed: per workload the
// median requests/s and p50/p99 latency of A and B over
// BENCH_AB_ROUNDS (4) rounds with the ratio B/A of the medians (above 1: B serves more), and the
// sidecars' CPU time per request (/proc user+system of the sidecars involved, divided by the
// requests served; below 1: B costs less). The CPU figure depends far less on the load generator,
// which shares cpu 0 with the app, than requests/s does.
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
const RUNTIME = path.resolve(HERE, '..');
const REPO = path.resolve(RUNTIME, '..', '..');

const cfg = {
  ref: process.argv[2] || process.env.BENCH_AB_REF,
  rounds: envNum('BENCH_AB_ROUNDS', 4),
  seconds: envNum('BENCH_AB_SECONDS', 5),
  conns: envNum('BENCH_AB_CONNS', 16),
};
if (!cfg.ref) fatal(new Error('name the baseline commit: BENCH_AB_REF=<commit> or the first argument'));

installCleanupHandlers();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-ab-'));
setTmpDir(tmp);
const pin = detectPin(os.cpus().length);
const pinned = (core, cmd, args) => (pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

/** Build the baseline's runtime from git into tmp/base; returns its minidaprd entry. */
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

function startApp(port) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function startSidecar(bin, home, appId, extra) {
  const [httpPort, internalPort, metricsPort, grpcPort] = await freePorts(4);
  const args = ['--max-semi-space-size=2', bin, '--app-id', appId, '--dapr-http-port', String(httpPort), '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--dapr-grpc-port', String(grpcPort), '--log-level', 'warn', ...extra];
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

/** One set of sidecars for a build: caller + callee (with the app) for invoke, one with a state store. */
async function startVariant(name, bin, appPort) {
  const home = path.join(tmp, `home-${name}`);
  const resources = path.join(tmp, `resources-${name}`);
  fs.mkdirSync(home);
  fs.mkdirSync(resources);
  fs.writeFileSync(path.join(resources, 'statestore.yaml'), 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.in-memory\n  version: v1\n');
  const callee = await startSidecar(bin, home, `callee-${name}`, ['--app-port', String(appPort)]);
  const caller = await startSidecar(bin, home, `caller-${name}`, ['--resources-path', resources]);
  // The callee is reachable once the caller's name resolution sees it: poll one call.
  const url = `http://127.0.0.1:${caller.httpPort}/v1.0/invoke/callee-${name}/method/echo`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await once('POST', url, 'x');
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`${name}: invoke through the sidecars answered ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name, caller, callee };
}

function once(method, url, body) {
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}


const PAYLOAD = JSON.stringify({ data: 'x'.repeat(1000) });

const load = (method, url, body, ms) => httpLoad({ method, url, body, conns: cfg.conns, ms });
const WORKLOADS = [
  { name: 'invoke', run: (v, ms) => load('POST', `http://127.0.0.1:${v.caller.httpPort}/v1.0/invoke/callee-${v.name}/method/echo`, PAYLOAD, ms) },
  { name: 'state-save', run: (v, ms) => load('POST', `http://127.0.0.1:${v.caller.httpPort}/v1.0/state/statestore`, JSON.stringify([{ key: 'k1', value: { n: 1, s: 'x'.repeat(200) } }]), ms) },
  { name: 'state-get', run: (v, ms) => load('GET', `http://127.0.0.1:${v.caller.httpPort}/v1.0/state/statestore/k1`, undefined, ms) },
];

const ONLY = (process.env.BENCH_AB_ONLY ?? '').split(',').filter(Boolean);

let clkTck = 100;

async function main() {
  clkTck = initClkTck();
  if (pin) execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  const baseBin = buildBaseline(cfg.ref);
  const headBin = path.join(RUNTIME, 'bin', 'minidaprd.js');
  if (!fs.existsSync(path.join(RUNTIME, 'dist', 'bin.js'))) throw new Error(`dist/bin.js is missing: run npm run build first`);
  const [appPort] = await freePorts(1);
  const app = await startApp(appPort);
  const variants = { A: await startVariant('A', baseBin, appPort), B: await startVariant('B', headBin, appPort) };
  const results = { A: {}, B: {} };
  const workloads = ONLY.length ? WORKLOADS.filter((w) => ONLY.includes(w.name)) : WORKLOADS;
  for (const w of workloads) for (const k of ['A', 'B']) results[k][w.name] = [];
  for (let round = 0; round < cfg.rounds; round++) {
    const order = round % 2 === 0 ? ['A', 'B', 'B', 'A'] : ['B', 'A', 'A', 'B'];
    for (const w of workloads) {
      for (const k of order) {
        await w.run(variants[k], 1000);
        const pids = [variants[k].caller.pid, variants[k].callee.pid];
        const r = await withCpu(pids, clkTck, () => w.run(variants[k], (cfg.seconds * 1000) / 2));
        results[k][w.name].push(r);
        if (r.errors) log(`${k} ${w.name}: ${r.errors} errors`);
      }
      log(`round ${round + 1}/${cfg.rounds} ${w.name} done`);
    }
  }
  app.close();
  console.log(`A = ${cfg.ref} (baseline), B = this checkout; ${cfg.rounds} rounds × 2 runs of ${cfg.seconds / 2} s each, ${cfg.conns} connections, closed loop${pin ? ', sidecars on cpu 1' : ''}`);
  console.log('rps: requests/s; cpu: sidecar CPU µs per request (user+system of the sidecars involved); p50/p99 in ms');
  console.log(`${padR('workload', 12)}${pad('A rps', 10)}${pad('B rps', 10)}${pad('B/A', 8)}${pad('A cpu', 9)}${pad('B cpu', 9)}${pad('B/A', 8)}${pad('A p50', 9)}${pad('B p50', 9)}${pad('A p99', 9)}${pad('B p99', 9)}`);
  for (const w of workloads) {
    const m = (k, f) => median(results[k][w.name].map((r) => r[f]));
    console.log(`${padR(w.name, 12)}${pad(m('A', 'rps').toFixed(0), 10)}${pad(m('B', 'rps').toFixed(0), 10)}${pad(f3(m('B', 'rps') / m('A', 'rps')), 8)}${pad(m('A', 'cpuUs').toFixed(1), 9)}${pad(m('B', 'cpuUs').toFixed(1), 9)}${pad(f3(m('B', 'cpuUs') / m('A', 'cpuUs')), 8)}${pad(f3(m('A', 'p50')), 9)}${pad(f3(m('B', 'p50')), 9)}${pad(f3(m('A', 'p99')), 9)}${pad(f3(m('B', 'p99')), 9)}`);
  }
}

main().then(() => cleanup(), fatal);

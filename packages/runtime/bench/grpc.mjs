#!/usr/bin/env node
// Issue 15: the Dapr gRPC API next to the HTTP API, in one interleaved run of this checkout's build
// (`npm run build` first).
//
//   npm run bench:grpc -w @minidapr/runtime          (~2 min with the defaults)
//
// Scenarios, each driven over HTTP and over gRPC against the same sidecars:
//   invoke   caller sidecar → callee sidecar → HTTP app, POST 1 KiB, the app answers 200 "ok"
//            (HTTP: POST /v1.0/invoke/callee/method/echo; gRPC: InvokeService, verb POST)
//   save     state.in-memory on the caller sidecar, one 1 KiB JSON value per call, rotating over
//            100 keys (HTTP: POST /v1.0/state/statestore; gRPC: SaveState)
//   get      the same store and keys (HTTP: GET /v1.0/state/statestore/<key>; gRPC: GetState)
// Load: a closed loop in this process, at concurrency 1 and BENCH_GRPC_CONNS (16): HTTP over that
// many keep-alive connections, gRPC over one grpc-js channel (HTTP/2 streams on one connection, as
// the SDKs do). Each round runs every scenario × concurrency × protocol for BENCH_GRPC_SECONDS (2) s
// after a 0.5 s warm-up, the protocol order alternating from round to round; BENCH_GRPC_ROUNDS (3)
// rounds. Printed per scenario and concurrency: median requests/s, p50/p99 (ms) and the sidecars'
// CPU µs per request (/proc user+system), for each protocol, and the gRPC/HTTP ratios. Sidecars
// pinned to cpu 1, load and app to cpu 0 (BENCH_NO_PIN=1: unpinned). `--json <file>` also writes
// the results.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { finishRun, minidaprdBin, parseBenchArgs } from './cli.mjs';
import {
  LOAD_CORE, SUT_CORE, detectPin, envNum, f3, fatal, freePorts, initClkTck, installCleanupHandlers,
  log, median, nearestRank, pad, padR, setTmpDir, spawnTracked, waitFor,
} from './lib.mjs';
import { withCpu } from './load.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = parseBenchArgs(process.argv.slice(2), 'npm run bench:grpc -w @minidapr/runtime --');
if (!args) process.exit(0);
const BIN = minidaprdBin();
const grpc = require('@grpc/grpc-js');
const { DAPR_SERVICE, serviceDefinition } = require(path.resolve(HERE, '..', 'dist', 'api', 'grpc', 'proto.js'));

const cfg = {
  rounds: envNum('BENCH_GRPC_ROUNDS', 3),
  seconds: envNum('BENCH_GRPC_SECONDS', 2),
  conns: envNum('BENCH_GRPC_CONNS', 16),
};
const CONCURRENCY = [1, cfg.conns];
const KEYS = 100;
const VERB_POST = 3; // common.v1.HTTPExtension.Verb.POST

installCleanupHandlers();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-bench-grpc-'));
setTmpDir(tmp);
const pin = detectPin(os.cpus().length);
const pinned = (core, cmd, a) => (pin ? ['taskset', ['-c', String(core), cmd, ...a]] : [cmd, a]);

const PAYLOAD = Buffer.from(JSON.stringify({ data: 'x'.repeat(1000) }));
const STATE_BODY = (key) => Buffer.from(JSON.stringify([{ key, value: { data: 'x'.repeat(1000) } }]));
const STATE_VALUE = Buffer.from(JSON.stringify({ data: 'x'.repeat(1000) }));

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const appHandler = (req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
};

async function startSidecar(home, appId, extra) {
  const [httpPort, grpcPort, internalPort, metricsPort] = await freePorts(4);
  const a = ['--max-semi-space-size=2', BIN, '--app-id', appId, '--dapr-http-port', String(httpPort), '--dapr-grpc-port', String(grpcPort),
    '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--log-level', 'warn', ...extra];
  const env = { ...process.env, MINIDAPR_HOME: home };
  delete env.DAPR_API_TOKEN;
  delete env.APP_API_TOKEN;
  const out = fs.openSync(path.join(tmp, `${appId}.log`), 'w');
  const [cmd, argv] = pinned(SUT_CORE, process.execPath, a);
  const cp = spawnTracked(cmd, argv, { stdio: ['ignore', out, out], env, cwd: tmp });
  fs.closeSync(out);
  await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 30_000, 20, cp, `sidecar ${appId}`);
  return { pid: cp.pid, httpPort, grpcPort };
}

/** One HTTP request on `agent`; resolves with the status (0 on a transport error). */
function httpCall(agent, url, method, body) {
  return new Promise((resolve) => {
    const headers = body ? { 'content-type': 'application/json', 'content-length': body.length } : {};
    const req = http.request(url, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** One unary gRPC call; resolves with the status code (0 = OK). */
function grpcCall(client, rpc, request) {
  return new Promise((resolve) => client[rpc](request, (err) => resolve(err ? err.code : 0)));
}

/** The two ways to run each scenario: `open(conc)` gives a call function and a close function. */
function scenarios(caller, callee) {
  const base = `http://127.0.0.1:${caller.httpPort}`;
  const Dapr = grpc.makeGenericClientConstructor(serviceDefinition(DAPR_SERVICE), 'Dapr');
  const httpSide = (call) => (conc) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
    return { call: (i) => call(agent, i).then((s) => s >= 200 && s < 300), close: () => agent.destroy() };
  };
  const grpcSide = (call) => () => {
    const client = new Dapr(`127.0.0.1:${caller.grpcPort}`, grpc.credentials.createInsecure());
    return { call: (i) => call(client, i).then((code) => code === 0), close: () => client.close() };
  };
  return [
    {
      name: 'invoke',
      pids: [caller.pid, callee.pid],
      http: httpSide((agent) => httpCall(agent, `${base}/v1.0/invoke/callee/method/echo`, 'POST', PAYLOAD)),
      grpc: grpcSide((client) =>
        grpcCall(client, 'InvokeService', { id: 'callee', message: { method: 'echo', data: { typeUrl: '', value: PAYLOAD }, contentType: 'application/json', httpExtension: { verb: VERB_POST } } }),
      ),
    },
    {
      name: 'save',
      pids: [caller.pid],
      http: httpSide((agent, i) => httpCall(agent, `${base}/v1.0/state/statestore`, 'POST', STATE_BODY(`k${i % KEYS}`))),
      grpc: grpcSide((client, i) => grpcCall(client, 'SaveState', { storeName: 'statestore', states: [{ key: `k${i % KEYS}`, value: STATE_VALUE }] })),
    },
    {
      name: 'get',
      pids: [caller.pid],
      http: httpSide((agent, i) => httpCall(agent, `${base}/v1.0/state/statestore/k${i % KEYS}`, 'GET')),
      grpc: grpcSide((client, i) => grpcCall(client, 'GetState', { storeName: 'statestore', key: `k${i % KEYS}` })),
    },
  ];
}

/** A closed loop of `conc` workers for `ms`: requests/s, p50/p99 (ms), errors. */
async function load(side, conc, ms) {
  const { call, close } = side(conc);
  const lat = [];
  let errors = 0;
  let n = 0;
  const start = Date.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        const ok = await call(n++);
        if (ok) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        else errors++;
      }
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  close();
  lat.sort((a, b) => a - b);
  return { rps: lat.length / elapsed, count: lat.length, p50: nearestRank(lat, 50), p99: nearestRank(lat, 99), errors };
}

async function main() {
  const clkTck = initClkTck();
  if (pin) execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  const app = await listen(appHandler);
  const home = path.join(tmp, 'home');
  const resources = path.join(tmp, 'resources');
  fs.mkdirSync(home);
  fs.mkdirSync(resources);
  fs.writeFileSync(
    path.join(resources, 'statestore.yaml'),
    'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.in-memory\n  version: v1\n  metadata: []\n',
  );
  const callee = await startSidecar(home, 'callee', ['--app-port', String(app.address().port)]);
  const caller = await startSidecar(home, 'caller', ['--resources-path', resources]);
  const list = scenarios(caller, callee);
  // Every key exists before "get" runs, and both protocols reach the callee.
  const seed = list[1].http(1);
  for (let i = 0; i < KEYS; i++) await seed.call(i);
  seed.close();
  for (const s of list) for (const proto of ['http', 'grpc']) {
    const r = await load(s[proto], 1, 200);
    if (r.count === 0) throw new Error(`${s.name} over ${proto} fails (${r.errors} errors): is the gRPC API built in?`);
  }
  const results = {};
  for (let round = 0; round < cfg.rounds; round++) {
    const order = round % 2 === 0 ? ['http', 'grpc'] : ['grpc', 'http'];
    for (const s of list) {
      for (const conc of CONCURRENCY) {
        for (const proto of order) {
          await load(s[proto], conc, 500);
          const r = await withCpu(s.pids, clkTck, () => load(s[proto], conc, cfg.seconds * 1000));
          ((results[`${s.name}/${conc}`] ??= { http: [], grpc: [] })[proto]).push(r);
          if (r.errors) log(`${s.name} c=${conc} ${proto}: ${r.errors} errors`);
        }
      }
    }
    log(`round ${round + 1}/${cfg.rounds} done`);
  }
  app.close();
  console.log(`HTTP vs gRPC API; ${cfg.rounds} rounds × ${cfg.seconds} s per cell, closed loop${pin ? ', sidecars on cpu 1' : ''}`);
  console.log('rps: requests/s; p50/p99 in ms; cpu: sidecar CPU µs per request; medians over rounds; ratios gRPC/HTTP');
  console.log(`${padR('scenario', 12)}${pad('conc', 5)}${pad('http rps', 10)}${pad('grpc rps', 10)}${pad('rps x', 7)}${pad('http p50', 10)}${pad('grpc p50', 10)}${pad('p50 x', 7)}${pad('http p99', 10)}${pad('grpc p99', 10)}${pad('http cpu', 10)}${pad('grpc cpu', 10)}`);
  const summary = {};
  for (const [key, byProto] of Object.entries(results)) {
    const m = (proto, f) => median(byProto[proto].map((r) => r[f]));
    const [name, conc] = key.split('/');
    summary[key] = Object.fromEntries(['http', 'grpc'].map((p) => [p, { rps: m(p, 'rps'), p50: m(p, 'p50'), p99: m(p, 'p99'), cpuUs: m(p, 'cpuUs') }]));
    console.log(
      `${padR(name, 12)}${pad(conc, 5)}${pad(m('http', 'rps').toFixed(0), 10)}${pad(m('grpc', 'rps').toFixed(0), 10)}${pad(f3(m('grpc', 'rps') / m('http', 'rps')), 7)}` +
        `${pad(f3(m('http', 'p50')), 10)}${pad(f3(m('grpc', 'p50')), 10)}${pad(f3(m('grpc', 'p50') / m('http', 'p50')), 7)}${pad(f3(m('http', 'p99')), 10)}${pad(f3(m('grpc', 'p99')), 10)}` +
        `${pad(m('http', 'cpuUs').toFixed(0), 10)}${pad(m('grpc', 'cpuUs').toFixed(0), 10)}`,
    );
  }
  await finishRun({ jsonFile: args.jsonFile, results: { config: cfg, pinned: pin, summary, rounds: results }, checks: [] });
}

main().catch(fatal);

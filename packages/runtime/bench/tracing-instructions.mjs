#!/usr/bin/env node
// Issue 14: what tracing costs one-hop service invocation in CPU instructions, counted by
// valgrind's callgrind: repeatable whatever else the machine is doing, unlike requests/s on a
// shared 2-core VM (bench/tracing.mjs, whose ±20 % run-to-run swing hides a few per cent).
//
//   npx turbo run build --filter=@minidapr/runtime
//   node packages/runtime/bench/tracing-instructions.mjs           (~3 min per variant)
//
// Per variant, a caller + callee sidecar pair (caller → callee → app, POST 1 KiB, the app answers
// 200; the same Configurations as bench/tracing.mjs: off, default, on) runs under callgrind with
// instrumentation off; after BENCH_INSTR_WARMUP (1500) requests it is switched on in both sidecars
// for BENCH_INSTR_REQUESTS (2000) requests (BENCH_INSTR_CONNS (8) keep-alive connections), then
// off again. Printed: instructions per request of both sidecars together (GC, export and every
// thread included), and the ratio to "off". BENCH_TRACING_BASE=<commit> adds "on-base" (that
// commit's build, as in bench/tracing.mjs). BENCH_INSTR_VARIANTS=off,on picks variants.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, envNum, f3, fatal, freePorts, installCleanupHandlers, log, pad, padR, setTmpDir, spawnTracked, stopChild, waitFor, which } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '..', 'bin', 'minidaprd.js');
const REPO = path.resolve(HERE, '..', '..', '..');
const cfg = { warmup: envNum('BENCH_INSTR_WARMUP', 1500), requests: envNum('BENCH_INSTR_REQUESTS', 2000), conns: envNum('BENCH_INSTR_CONNS', 8) };

installCleanupHandlers();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-bench-instr-'));
setTmpDir(tmp);

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function configYaml(rate, zipkinUrl) {
  return `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: bench\nspec:\n  tracing:\n    samplingRate: "${rate}"\n` + (zipkinUrl ? `    zipkin:\n      endpointAddress: ${zipkinUrl}\n` : '');
}

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

async function startSidecar(dir, appId, extra, bin) {
  const [httpPort, internalPort, metricsPort] = await freePorts(3);
  const out = path.join(dir, `callgrind.${appId}.out`);
  const args = ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, process.execPath, '--max-semi-space-size=2', bin, '--app-id', appId, '--dapr-http-port', String(httpPort), '--dapr-internal-port', String(internalPort), '--metrics-port', String(metricsPort), '--log-level', 'warn', ...extra];
  const env = { ...process.env, MINIDAPR_HOME: dir };
  delete env.DAPR_API_TOKEN;
  const log = fs.openSync(path.join(dir, `${appId}.log`), 'w');
  const cp = spawnTracked('valgrind', args, { stdio: ['ignore', log, log], env, cwd: dir });
  fs.closeSync(log);
  await waitFor(`http://127.0.0.1:${httpPort}/v1.0/healthz`, 204, 240_000, 250, cp, `sidecar ${appId}`);
  return { cp, httpPort, out };
}

const PAYLOAD = JSON.stringify({ data: 'x'.repeat(1000) });

async function load(url, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.conns });
  let left = count;
  let errors = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(PAYLOAD) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode >= 300) errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(PAYLOAD);
    });
  await Promise.all(Array.from({ length: cfg.conns }, async () => { while (left-- > 0) await one(); }));
  agent.destroy();
  if (errors) throw new Error(`${errors} requests failed`);
}

function control(flag, pid) {
  execFileSync('callgrind_control', [flag, String(pid)], { stdio: 'ignore' });
}

/** Total instructions (Ir) of a callgrind output file and its per-thread parts. */
function totalIr(file) {
  let sum = 0;
  const dir = path.dirname(file);
  for (const f of fs.readdirSync(dir)) {
    if (!f.startsWith(path.basename(file))) continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const m = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

async function runVariant(name, configText, appPort, bin) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const extra = [];
  if (configText) {
    fs.writeFileSync(path.join(dir, 'config.yaml'), configText);
    extra.push('--config', path.join(dir, 'config.yaml'));
  }
  log(`${name}: starting the sidecars under callgrind`);
  const callee = await startSidecar(dir, `callee-${name}`, ['--app-port', String(appPort), ...extra], bin);
  const caller = await startSidecar(dir, `caller-${name}`, extra, bin);
  const url = `http://127.0.0.1:${caller.httpPort}/v1.0/invoke/callee-${name}/method/echo`;
  await load(url, cfg.warmup);
  for (const s of [callee, caller]) control('--instr=on', s.cp.pid);
  const t0 = Date.now();
  await load(url, cfg.requests);
  for (const s of [callee, caller]) control('--instr=off', s.cp.pid);
  log(`${name}: ${cfg.requests} requests counted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const s of [callee, caller]) await stopChild(s.cp, 60_000);
  const ir = totalIr(callee.out) + totalIr(caller.out);
  return { name, perRequest: ir / cfg.requests };
}

async function main() {
  if (!which('valgrind') || !which('callgrind_control')) throw new Error('valgrind (with callgrind_control) is not installed: apt-get install -y valgrind');
  if (!fs.existsSync(path.resolve(HERE, '..', 'dist', 'bin.js'))) throw new Error('dist/bin.js is missing: run npm run build first');
  const app = await listen((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  const zipkin = await listen((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  const appPort = app.address().port;
  const zipkinUrl = `http://127.0.0.1:${zipkin.address().port}/api/v2/spans`;
  const all = {
    off: () => runVariant('off', configYaml('0'), appPort, BIN),
    default: () => runVariant('default', undefined, appPort, BIN),
    on: () => runVariant('on', configYaml('1', zipkinUrl), appPort, BIN),
  };
  if (process.env.BENCH_TRACING_BASE) {
    const baseBin = buildBaseline(process.env.BENCH_TRACING_BASE);
    all['on-base'] = () => runVariant('on-base', configYaml('1', zipkinUrl), appPort, baseBin);
  }
  const names = (process.env.BENCH_INSTR_VARIANTS ?? Object.keys(all).join(',')).split(',').filter((n) => all[n]);
  if (!names.includes('off')) names.unshift('off');
  const results = [];
  for (const n of names) results.push(await all[n]());
  app.close();
  zipkin.close();
  const off = results.find((r) => r.name === 'off').perRequest;
  console.log(`one-hop invoke (caller sidecar → callee sidecar → app, POST 1 KiB) under callgrind; ${cfg.requests} requests counted after ${cfg.warmup} warm-up, ${cfg.conns} connections`);
  console.log('instr: instructions per request, both sidecars together (every thread)');
  console.log(`${padR('variant', 10)}${pad('instr', 12)}${pad('instr/off', 11)}`);
  for (const r of results) console.log(`${padR(r.name, 10)}${pad(Math.round(r.perRequest), 12)}${pad(f3(r.perRequest / off), 11)}`);
}

main().then(() => cleanup(), fatal);

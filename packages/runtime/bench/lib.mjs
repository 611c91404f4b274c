// Shared helpers of the minidaprd benchmarks (invoke.mjs, state.mjs, pubsub.mjs, …): process
// bookkeeping and cleanup (process groups, killed on exit, on Ctrl-C and on errors), small
// utilities, /proc sampling (CPU from utime+stime, RSS from VmRSS) and hey's per-request CSV.
// The run shape the benchmarks share (arguments, results file, exit code) is in cli.mjs; the
// closed-loop load from this process (ab, resiliency, tracing, grpc) is in load.mjs.
//
// Node built-ins only. Importing this module has no side effects: a benchmark calls
// installCleanupHandlers() itself.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// ---------------------------------------------------------------------------------------------
// Process bookkeeping and cleanup.
const children = new Set();
let tmpDir;
const cleanupHooks = [];
export const keepTmp = process.env.BENCH_KEEP_TMP === '1';
let cleaning;
let interrupted = false;

export function spawnTracked(cmd, args, opts = {}) {
  const cp = spawn(cmd, args, { detached: true, ...opts });
  children.add(cp);
  cp.once('exit', () => children.delete(cp));
  cp.once('error', () => children.delete(cp));
  return cp;
}

export function killGroup(cp, sig) {
  if (!cp.pid) return;
  try {
    process.kill(-cp.pid, sig);
  } catch {
    /* already gone */
  }
}

export function exited(cp) {
  if (cp.exitCode !== null || cp.signalCode !== null) return Promise.resolve(cp.exitCode ?? cp.signalCode);
  return new Promise((resolve) => {
    cp.once('exit', (code, sig) => resolve(code ?? sig));
    cp.once('error', (err) => resolve(err));
  });
}

export async function stopChild(cp, graceMs = 7000) {
  if (cp.exitCode !== null || cp.signalCode !== null) return;
  const done = exited(cp);
  killGroup(cp, 'SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout');
  if ((await Promise.race([done, timer])) === 'timeout') {
    killGroup(cp, 'SIGKILL');
    await done;
  }
}

export async function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((cp) => stopChild(cp, 3000)));
    for (const hook of cleanupHooks.splice(0).reverse()) {
      try {
        await hook();
      } catch (err) {
        console.error(`cleanup: ${err?.message ?? err}`);
      }
    }
    removeTmp();
  })();
  return cleaning;
}

/** The benchmark's temporary directory: removed by cleanup() unless BENCH_KEEP_TMP=1. */
export function setTmpDir(dir) {
  tmpDir = dir;
}

/**
 * An async clean-up step (drop a table, delete keys) run by cleanup() after every child process
 * is stopped, last registered first; also on Ctrl-C and on errors (not on a plain process.exit).
 */
export function onCleanup(fn) {
  cleanupHooks.push(fn);
}

export function removeTmp() {
  if (!tmpDir) return;
  if (keepTmp) {
    console.error(`kept ${tmpDir}`);
  } else {
    try {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tmpDir = undefined;
}

export function installCleanupHandlers() {
  process.on('exit', () => {
    for (const cp of children) killGroup(cp, 'SIGKILL');
    removeTmp();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      interrupted = true;
      console.error(`\n${sig}: stopping everything`);
      cleanup().finally(() => process.exit(130));
    });
  }
}

/** True once Ctrl-C (or SIGTERM/SIGHUP) started the clean-up: stop starting new work. */
export const isInterrupted = () => interrupted;

export function fatal(err) {
  if (interrupted) return; // the signal handler is already cleaning up
  console.error(`bench failed: ${err?.stack ?? err}`);
  cleanup().finally(() => process.exit(1));
}

// ---------------------------------------------------------------------------------------------
// Small helpers.
export function envNum(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
}

export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      await new Promise((resolve, reject) => s.once('error', reject).listen(0, '127.0.0.1', resolve));
      servers.push(s);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

export function request(url, { method = 'GET', body, timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function waitFor(url, wantStatus, timeoutMs, pollMs, cp, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cp && (cp.exitCode !== null || cp.signalCode !== null)) throw new Error(`${what} exited (${cp.exitCode ?? cp.signalCode}) before it was ready`);
    try {
      const r = await request(url, { timeoutMs: 1000 });
      if (r.status === wantStatus) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${what}: ${url} did not answer ${wantStatus} within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

export const median = (xs) => {
  const s = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
/** Nearest-rank percentile of a small sample (conservative: p95 of 10 values is the largest). */
export const nearestRank = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
export const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
export const sign3 = (x) => (Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(3) : 'n/a');
export const pad = (s, n) => String(s).padStart(n);
export const padR = (s, n) => String(s).padEnd(n);
export const log = (msg) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------------------------------------
// /proc sampling.
let clkTck = 100;
/** Reads CLK_TCK (getconf) for the CPU figures; returns it. */
export function initClkTck() {
  try {
    clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    clkTck = 100;
  }
  return clkTck;
}
export function procTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15.
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return NaN;
  }
}
export function procRssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU (mCPU over the whole window) and RSS at 1 Hz for a set of named pids. */
export function startSampler(pids) {
  const t0 = process.hrtime.bigint();
  const ticks0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, procTicks(pid)]));
  const rss = Object.fromEntries(Object.keys(pids).map((k) => [k, []]));
  const sample = () => {
    for (const [k, pid] of Object.entries(pids)) rss[k].push(procRssMb(pid));
  };
  const timer = setInterval(sample, 1000);
  return () => {
    clearInterval(timer);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const out = {};
    for (const [k, pid] of Object.entries(pids)) {
      const dt = procTicks(pid) - ticks0[k];
      const samples = rss[k].filter(Number.isFinite);
      out[k] = {
        mcpu: ((dt / clkTck) / wall) * 1000,
        rssMeanMb: mean(samples),
        rssPeakMb: samples.length ? Math.max(...samples) : NaN,
        rssFirstMb: samples[0],
        rssLastMb: samples[samples.length - 1],
      };
    }
    return out;
  };
}

export function connCount(port, state) {
  try {
    const out = execFileSync('ss', ['-Htn', 'state', state, `( dport = :${port} )`], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.trim()).length;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// hey.
export const Q = 1e-4; // hey -o csv prints seconds with 4 decimals: 0.1 ms steps

export function parseHeyCsv(files) {
  const bins = new Map(); // latency in 0.1 ms steps -> count
  const statuses = {};
  let n = 0;
  let non2xx = 0;
  let sum = 0;
  for (const f of files) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (!line) continue;
      const c = line.split(',');
      const lat = Number(c[0]);
      const st = Number(c[6]);
      if (!Number.isFinite(lat)) continue;
      n++;
      sum += lat;
      const k = Math.round(lat / Q);
      bins.set(k, (bins.get(k) ?? 0) + 1);
      statuses[st] = (statuses[st] ?? 0) + 1;
      if (!(st >= 200 && st < 300)) non2xx++;
    }
  }
  const keys = [...bins.keys()].sort((a, b) => a - b);
  /**
   * Percentile in ms. hey rounds every latency to 0.1 ms, so values are spread uniformly over their
   * rounding interval and interpolated linearly inside it (what fortio does in its histogram buckets).
   */
  const pct = (p) => {
    const rank = (p / 100) * n;
    let cum = 0;
    for (const k of keys) {
      const c = bins.get(k);
      if (cum + c >= rank) {
        const lo = Math.max(0, (k - 0.5) * Q);
        const hi = (k + 0.5) * Q;
        return (lo + ((rank - cum) / c) * (hi - lo)) * 1000;
      }
      cum += c;
    }
    return keys.length ? (keys[keys.length - 1] + 0.5) * Q * 1000 : NaN;
  };
  const rawPct = (p) => {
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    let cum = 0;
    for (const k of keys) {
      cum += bins.get(k);
      if (cum >= rank) return k * Q * 1000;
    }
    return NaN;
  };
  return { n, non2xx, statuses, meanMs: n ? (sum / n) * 1000 : NaN, pct, rawPct, maxMs: keys.length ? keys[keys.length - 1] * Q * 1000 : NaN };
}


// ---------------------------------------------------------------------------------------------
// Pinning (docs/targets.md 1.5): load generator on core 0, sidecars and servers on core 1.
export const LOAD_CORE = 0;
export const SUT_CORE = 1;

/** Whether to pin with taskset: not with BENCH_NO_PIN=1, fewer than 2 cpus or no usable taskset. */
export function detectPin(cpus) {
  let pin = process.env.BENCH_NO_PIN !== '1' && cpus >= 2 && !!which('taskset');
  if (pin) {
    try {
      execFileSync('taskset', ['-c', '1', 'true']);
    } catch {
      pin = false;
    }
  }
  return pin;
}

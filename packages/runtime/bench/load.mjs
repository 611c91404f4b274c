// Closed-loop load from this process, shared by ab.mjs, resiliency.mjs, tracing.mjs and grpc.mjs:
// an HTTP load of keep-alive connections sending requests back to back, and the sidecars' CPU time
// per request served over one measured load (/proc user+system).
//
// Node built-ins only; no side effects on import.
import http from 'node:http';
import { nearestRank, procTicks } from './lib.mjs';

/**
 * Closed loop: `conns` keep-alive connections, each sending `method url` (with `body`, as JSON,
 * when given) back to back for `ms`. Returns requests/s, the count, p50/p99 latency (ms) and the
 * errors (an answer of 300 or above is timed and counted; a failed request only counted).
 */
export async function httpLoad({ method, url, body, conns, ms }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const lat = [];
  let errors = 0;
  const end = Date.now() + ms;
  const headers = body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {};
  const one = () =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request(url, { method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode >= 300) errors++;
          lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const start = Date.now();
  await Promise.all(Array.from({ length: conns }, async () => { while (Date.now() < end) await one(); }));
  const elapsed = (Date.now() - start) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { rps: lat.length / elapsed, count: lat.length, p50: nearestRank(lat, 50), p99: nearestRank(lat, 99), errors };
}

/** Runs one measured load and adds `cpuUs`: the CPU µs (user+system) `pids` spent per request served. */
export async function withCpu(pids, clkTck, run) {
  const t0 = pids.map(procTicks);
  const r = await run();
  const used = pids.reduce((sum, pid, i) => sum + procTicks(pid) - (t0[i] ?? 0), 0);
  r.cpuUs = ((used / clkTck) * 1e6) / Math.max(1, r.count);
  return r;
}

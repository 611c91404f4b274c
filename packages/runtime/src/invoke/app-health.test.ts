import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppChannel } from './app-channel';
import { AppHealth, httpProbe, type ProbeFn } from './app-health';

function collectingLogger() {
  const lines: string[] = [];
  const push = (a: unknown, b?: unknown) => lines.push(typeof a === 'string' ? a : String(b));
  return { lines, logger: { info: push, warn: push, debug: () => {}, error: push } };
}

/** A prober driven by hand: each enqueue() runs one probe answered by `answers` (no timers). */
function scripted(threshold: number) {
  const answers: boolean[] = [];
  const probe: ProbeFn = async () => answers.shift() ?? false;
  const { lines, logger } = collectingLogger();
  const health = new AppHealth({ probe, intervalMs: 3_600_000, timeoutMs: 1000, threshold, logger });
  const changes: boolean[] = [];
  health.onChange((h) => {
    changes.push(h);
  });
  const probeWith = async (...results: boolean[]) => {
    for (const r of results) {
      answers.push(r);
      await health.enqueue();
    }
  };
  return { health, changes, lines, probeWith };
}

describe('AppHealth (daprd pkg/apphealth semantics)', () => {
  it('starts unhealthy and one success makes the app healthy', async () => {
    const { health, changes, lines, probeWith } = scripted(3);
    expect(health.healthy).toBe(false);
    await probeWith(true);
    expect(health.healthy).toBe(true);
    await health.stop();
    expect(changes).toEqual([true]);
    expect(lines).toContain('App entered healthy status');
  });

  it('turns unhealthy only after `threshold` consecutive failures, and healthy again on one success', async () => {
    const { health, changes, lines, probeWith } = scripted(3);
    await probeWith(true, false, false);
    expect(health.healthy).toBe(true);
    await probeWith(true, false, false); // a success in between resets the count
    expect(health.healthy).toBe(true);
    await probeWith(false);
    expect(health.healthy).toBe(false);
    await probeWith(false, false); // further failures report nothing new
    await probeWith(true);
    expect(health.healthy).toBe(true);
    await health.stop();
    expect(changes).toEqual([true, false, true]);
    expect(lines.filter((l) => l.startsWith('App entered'))).toEqual(['App entered healthy status', 'App entered un-healthy status', 'App entered healthy status']);
  });

  it('counts a probe that throws as a failure and logs it', async () => {
    const { lines, logger } = collectingLogger();
    let calls = 0;
    const health = new AppHealth({
      probe: async () => {
        calls++;
        if (calls === 1) return true;
        throw new Error('boom');
      },
      intervalMs: 3_600_000,
      timeoutMs: 1000,
      threshold: 1,
      logger,
    });
    await health.enqueue();
    expect(health.healthy).toBe(true);
    await health.enqueue();
    expect(health.healthy).toBe(false);
    expect(lines).toContain('App health probe could not complete with error: boom');
    await health.stop();
  });

  it('waitHealthy resolves on the first healthy probe and false when stopped first', async () => {
    const { health, probeWith } = scripted(2);
    const waiting = health.waitHealthy();
    await probeWith(false, true);
    await expect(waiting).resolves.toBe(true);
    const other = scripted(2);
    const never = other.health.waitHealthy();
    await other.health.stop();
    await expect(never).resolves.toBe(false);
  });

  it('probes GET <path> over the app channel on its interval: 2xx healthy, others and no answer unhealthy', async () => {
    let status = 200;
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      res.writeHead(status).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port, maxConcurrency: 0 });
    const { logger } = collectingLogger();
    const health = new AppHealth({ probe: httpProbe(channel, 'healthz'), intervalMs: 20, timeoutMs: 20, threshold: 2, logger });
    const until = async (want: boolean) => {
      const deadline = Date.now() + 5000;
      while (health.healthy !== want) {
        if (Date.now() > deadline) throw new Error(`app did not become ${want ? 'healthy' : 'unhealthy'}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      health.start();
      await until(true);
      status = 503;
      await until(false);
      status = 204;
      await until(true);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await until(false); // connection refused counts as a failure
    } finally {
      await health.stop();
      channel.close();
      server.close();
    }
    expect(paths[0]).toBe('GET /healthz');
  });
});

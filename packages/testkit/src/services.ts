/**
 * @module services
 * Real backing services (Redis, PostgreSQL, …) for tests: a test that needs one skips with a visible
 * message when it is missing, except under CI=true, where a missing service is a failure.
 */
import net from 'node:net';

export async function serviceAvailable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

/** Returns true when the test should run; false (after printing why) when it should skip. */
export async function requireService(name: string, host: string, port: number): Promise<boolean> {
  if (await serviceAvailable(host, port)) return true;
  const msg = `${name} is not reachable at ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${msg} (CI=true: a missing service is a failure, not a skip)`);
  process.stdout.write(`SKIPPED: ${msg}; tests that need it are skipped\n`);
  return false;
}

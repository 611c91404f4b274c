import { waitFor } from '@minidapr/testkit';
import { world } from './helpers';

jest.setTimeout(30000);
const w = world();
afterAll(() => w.close());

interface Metrics {
  apps: Array<{ appId: string; points: Array<{ t: number; rps: number; p50Ms: number; p95Ms: number; errorRate: number }>; error?: string }>;
}

it('charts request rate, latency and errors from the sidecar metrics port', async () => {
  const { sidecar } = await w.addApp('busy');
  await w.startDashboard({ metricsIntervalMs: 200 });
  const point = await waitFor(
    'a metrics point with requests',
    async () => {
      await fetch(`${sidecar.url}/v1.0/state/statestore/k`);
      await fetch(`${sidecar.url}/v1.0/state/nostore/k`); // an error answer (4xx/5xx)
      const m = (await w.get<Metrics>('/api/metrics?windowSec=60')).body;
      return m.apps.find((a) => a.appId === 'busy')?.points.find((p) => p.rps > 0);
    },
    { timeoutMs: 15000 },
  );
  expect(point.p50Ms).toBeGreaterThan(0);
  expect(point.p95Ms).toBeGreaterThanOrEqual(point.p50Ms);
  expect(point.errorRate).toBeGreaterThanOrEqual(0);
  expect(point.errorRate).toBeLessThanOrEqual(1);
  expect((await w.get('/api/metrics?windowSec=0')).status).toBe(400);
});

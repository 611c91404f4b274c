/**
 * Sidecars watched without a registry (as in containers): real sidecars in their own homes,
 * given to a dashboard whose MINIDAPR_HOME has no instance entries.
 */
import { freePort, startApp, startSidecar, tempDir, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { createMemorySpanStore, parseSidecarSpec, startDashboard } from '../../../src';
import type { RunningDashboard } from '../../../src/server/dashboard';
import { STATESTORE } from './helpers';

jest.setTimeout(30000);

const home = tempDir('minidapr-dash-static-');
const store = createMemorySpanStore();
const sidecars: Sidecar[] = [];
let app: TestApp;
let dash: RunningDashboard;

afterAll(async () => {
  await dash?.close();
  await Promise.all(sidecars.map((s) => s.stop()));
  await app?.close();
  store.close();
  home.remove();
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${dash.url}${path}`);
  return { status: r.status, body: (await r.json()) as T };
}

it('lists static sidecars with health, metadata, components, explorer, metrics and a logs note', async () => {
  app = await startApp();
  const orders = await startSidecar({ appId: 'orders', appPort: app.port, resources: { 'statestore.yaml': STATESTORE } });
  sidecars.push(orders);
  const gone = await freePort();
  dash = await startDashboard({
    home: home.path,
    host: '127.0.0.1',
    port: 0,
    collector: false,
    spanStore: store,
    metricsIntervalMs: 200,
    sidecars: [
      parseSidecarSpec(`orders=127.0.0.1:${orders.httpPort}:${orders.metricsPort}`, '--sidecar'),
      parseSidecarSpec(`ghost=127.0.0.1:${gone}:${gone}`, '--sidecar'),
    ],
  });

  const apps = await get<Array<Record<string, unknown>>>('/api/apps');
  expect(apps.body).toEqual([
    expect.objectContaining({ appId: 'orders', source: 'static', host: '127.0.0.1', pid: null, grpcPort: null, internalPort: null, httpPort: orders.httpPort, metricsPort: orders.metricsPort, health: 'healthy' }),
    expect.objectContaining({ appId: 'ghost', source: 'static', health: 'unhealthy' }),
  ]);
  expect((await get('/api/overview')).body).toMatchObject({ apps: 2 });

  const one = await get<Record<string, unknown>>('/api/apps/orders');
  expect(one.body).toMatchObject({ appId: 'orders', metadata: { id: 'orders', components: [expect.objectContaining({ name: 'statestore' })] } });
  expect(typeof one.body.runtimeVersion).toBe('string');
  expect((await get<Record<string, unknown>>('/api/apps/ghost')).body).toMatchObject({ metadata: null, metadataError: expect.stringContaining('/v1.0/metadata') });

  const components = await get<Array<Record<string, unknown>>>('/api/components');
  expect(components.body).toEqual([expect.objectContaining({ kind: 'Component', name: 'statestore', type: 'state.in-memory', file: '', loadedBy: ['orders'] })]);
  expect((await get('/api/configurations')).body).toEqual([]);

  const logs = await get<{ sources: unknown[]; lines: unknown[]; note: string }>('/api/apps/orders/logs');
  expect(logs.body).toMatchObject({ sources: [], lines: [] });
  expect(logs.body.note).toContain('docker compose logs');

  const r = await fetch(`${dash.url}/api/apps/orders/explore`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'state-save', store: 'statestore', key: 'k', value: '"v"' }),
  });
  expect(r.status).toBe(200);
  expect(((await r.json()) as { response: { status: number } }).response.status).toBe(204);

  const point = await waitFor(
    'a metrics point for the static sidecar',
    async () => {
      await fetch(`${orders.url}/v1.0/state/statestore/k`);
      const m = (await get<{ apps: Array<{ appId: string; points: Array<{ rps: number }>; error?: string }> }>('/api/metrics?windowSec=60')).body;
      return m.apps.find((a) => a.appId === 'orders')?.points.find((p) => p.rps > 0);
    },
    { timeoutMs: 15000 },
  );
  expect(point.rps).toBeGreaterThan(0);
  const ghost = (await get<{ apps: Array<{ appId: string; error?: string }> }>('/api/metrics')).body.apps.find((a) => a.appId === 'ghost');
  expect(ghost?.error).toContain(`metrics port ${gone}`);
});

import { world } from './helpers';

jest.setTimeout(30000);
const w = world();
afterAll(() => w.close());

it('lists running apps with health, and one app with its sidecar metadata', async () => {
  const { app, sidecar } = await w.addApp('orders');
  await w.startDashboard();
  const apps = await w.get<Array<Record<string, unknown>>>('/api/apps');
  expect(apps.status).toBe(200);
  expect(apps.body).toEqual([
    expect.objectContaining({ appId: 'orders', httpPort: sidecar.httpPort, appPort: app.port, metricsPort: sidecar.metricsPort, health: 'healthy', resourcesPaths: [sidecar.resourcesDir] }),
  ]);
  const one = await w.get<Record<string, unknown>>('/api/apps/orders');
  expect(one.body).toMatchObject({ appId: 'orders', metadata: { id: 'orders', components: [expect.objectContaining({ name: 'statestore' })] } });

  await app.close(); // the app port closes: unhealthy
  expect((await w.get<Array<{ health: string }>>('/api/apps')).body[0]?.health).toBe('unhealthy');
  expect((await w.get('/api/overview')).body).toMatchObject({ apps: 1, collector: { enabled: false, spans: 0 } });
});

/** Scenario: APP_API_TOKEN is sent to the app as dapr-api-token; a caller's token never reaches it. */
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
let app: TestApp;
let target: Sidecar;
let caller: Sidecar;

beforeAll(async () => {
  app = await startApp((r) => ({ body: String(r.headers['dapr-api-token'] ?? 'none') }));
  target = await startSidecar({ appId: 'target', appPort: app.port, home: home.path, env: { APP_API_TOKEN: 'target-app-token' } });
  caller = await startSidecar({ appId: 'caller', home: home.path, env: { APP_API_TOKEN: 'caller-app-token', DAPR_API_TOKEN: 'caller-api-token' } });
});

afterAll(async () => {
  await Promise.all([target?.stop(), caller?.stop()]);
  await app?.close();
  await stopAll();
  home.remove();
});

it("gives the app its own sidecar's token, never the caller's", async () => {
  const r = await fetch(`${caller.url}/v1.0/invoke/target/method/x`, { headers: { 'dapr-api-token': 'caller-api-token' } });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('target-app-token');
});

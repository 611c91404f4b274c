/** Scenario: /v1.0/metadata of a spawned sidecar has daprd's full shape, with the loaded components. */
import { componentYaml, startApp, startSidecar, stopAll, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  app = await startApp();
  sidecar = await startSidecar({
    appId: 'nodeapp',
    appPort: app.port,
    resources: {
      'statestore.yaml': componentYaml('statestore', 'state.in-memory'),
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
      'scoped.yaml': componentYaml('hidden', 'state.in-memory', {}, 'scopes:\n- someone-else\n'),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

it('reports id, version, components, extended and app connection', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/metadata`);
  expect(r.status).toBe(200);
  const body = (await r.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    id: 'nodeapp',
    runtimeVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    extended: { daprRuntimeVersion: body.runtimeVersion },
    appConnectionProperties: { port: app.port, protocol: 'http', channelAddress: '127.0.0.1' },
  });
  expect(body.components).toEqual([
    { name: 'pubsub', type: 'pubsub.in-memory', version: 'v1' },
    { name: 'statestore', type: 'state.in-memory', version: 'v1', capabilities: ['ETAG', 'TRANSACTIONAL', 'TTL', 'ACTOR'] },
  ]);
});

it('stores extended metadata set with PUT', async () => {
  expect((await fetch(`${sidecar.url}/v1.0/metadata/appCommand`, { method: 'PUT', body: 'node app.js' })).status).toBe(204);
  const body = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { extended: Record<string, string> };
  expect(body.extended.appCommand).toBe('node app.js');
});

it('serves Prometheus metrics on the metrics port, on any path', async () => {
  await fetch(`${sidecar.url}/v1.0/metadata`);
  const text = await (await fetch(`http://127.0.0.1:${sidecar.metricsPort}/anything`)).text();
  expect(text).toMatch(/dapr_http_server_request_count\{.*app_id="nodeapp".*\} \d+/);
});

/** Scenario: the official @dapr/dapr client starts against the sidecar and invokes an app. */
import { CommunicationProtocolEnum, DaprClient, HttpMethod } from '@dapr/dapr';
import { startApp, startSidecar, stopAll, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  app = await startApp((r) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ got: JSON.parse(r.body.toString() || 'null') }) }));
  sidecar = await startSidecar({ appId: 'nodeapp', appPort: app.port });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

it('starts (it polls /v1.0/metadata) and invokes the app', async () => {
  const client = new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(sidecar.httpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: 0 } as never,
  });
  await client.start();
  const res = await client.invoker.invoke('nodeapp', 'neworder', HttpMethod.POST, { orderId: '41' });
  expect(res).toEqual({ got: { orderId: '41' } });
  const meta = await client.metadata.get();
  expect(meta.id).toBe('nodeapp');
  await client.stop();
});

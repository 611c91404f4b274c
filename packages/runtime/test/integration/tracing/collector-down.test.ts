/**
 * Scenario (issue 14): a sidecar whose Zipkin collector is down (the endpoint is a closed port)
 * keeps answering every request, and counts the spans it could not export on its metrics port.
 */
import { freePort, startApp, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { tracingConfiguration } from './zipkin-receiver';

jest.setTimeout(40000);

const cfg = tempDir('minidapr-cfg-');
let app: TestApp;
let sidecar: Sidecar;

async function dropped(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${sidecar.metricsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith('minidapr_tracing_spans_dropped_total{')) sum += Number(line.split(' ').at(-1));
  return sum;
}

beforeAll(async () => {
  const closed = await freePort(); // nothing listens there
  cfg.write({ 'config.yaml': tracingConfiguration(`http://127.0.0.1:${closed}/api/v2/spans`) });
  app = await startApp(() => ({ status: 200, body: 'ok' }));
  sidecar = await startSidecar({ appId: 'lonely', appPort: app.port, args: ['--config', `${cfg.path}/config.yaml`] });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
  cfg.remove();
});

it('serves every request and counts the spans it dropped', async () => {
  expect(await dropped()).toBe(0);
  for (let i = 0; i < 50; i++) {
    const r = await fetch(`${sidecar.url}/v1.0/invoke/lonely/method/ping`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('ok');
  }
  const n = await waitFor('dropped spans counted', async () => {
    const d = await dropped();
    return d >= 50 ? d : undefined;
  });
  expect(n).toBe(50);
});

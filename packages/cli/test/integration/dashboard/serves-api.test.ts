import { freePort } from '@minidapr/testkit';
import { cleanup, minidapr, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('serves the dashboard and the collector on the given ports, and stops on Ctrl-C', async () => {
  const [port, zipkin, otlp] = [await freePort(), await freePort(), await freePort()];
  const d = minidapr(s, ['dashboard', '-p', String(port), '-a', '127.0.0.1', '--zipkin-port', String(zipkin), '--otlp-port', String(otlp)]);
  await d.waitForOutput('Press Ctrl-C to stop', 15000);
  expect(d.stdout()).toContain(`Dapr Dashboard running on http://127.0.0.1:${port}`);
  expect(d.stdout()).toContain(`Zipkin spans accepted on http://127.0.0.1:${zipkin}/api/v2/spans`);
  expect(d.stdout()).toContain(`OTLP/HTTP traces accepted on http://127.0.0.1:${otlp}/v1/traces`);
  const overview = (await (await fetch(`http://127.0.0.1:${port}/api/overview`)).json()) as Record<string, unknown>;
  expect(overview).toMatchObject({ home: s.home.path, apps: 0, collector: { enabled: true, zipkinPort: zipkin, otlpPort: otlp } });
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);

  d.child.kill('SIGINT');
  expect((await d.exited).code).toBe(0);
  expect(d.stdout()).toContain('Dashboard stopped');
});

it('runs without the collector', async () => {
  const port = await freePort();
  const d = minidapr(s, ['dashboard', '--port', String(port), '--address', '127.0.0.1', '--no-collector']);
  await d.waitForOutput('Press Ctrl-C to stop', 15000);
  expect(d.stdout()).toContain('Trace collector: off (--no-collector)');
  const overview = (await (await fetch(`http://127.0.0.1:${port}/api/overview`)).json()) as Record<string, unknown>;
  expect(overview).toMatchObject({ collector: { enabled: false } });
  d.child.kill('SIGTERM');
  expect((await d.exited).code).toBe(0);
});

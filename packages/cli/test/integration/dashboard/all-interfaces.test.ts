/**
 * `-a 0.0.0.0` (the dashboard image's entrypoint) opens the collector on every interface too, so
 * sidecars in other containers can send spans: the Zipkin port answers on an address of this
 * machine that is not loopback (loopback only when the machine has no other).
 */
import { networkInterfaces } from 'node:os';
import { freePort, waitFor } from '@minidapr/testkit';
import { cleanup, minidapr, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === 'IPv4' && !a.internal)?.address;

it('listens with the dashboard and the collector on every interface with -a 0.0.0.0', async () => {
  const [port, zipkin, otlp] = [await freePort(), await freePort(), await freePort()];
  const d = minidapr(s, ['dashboard', '-a', '0.0.0.0', '-p', String(port), '--zipkin-port', String(zipkin), '--otlp-port', String(otlp)]);
  await d.waitForOutput('Press Ctrl-C to stop', 15000);
  const host = outside ?? '127.0.0.1';
  const span = { traceId: '5af7183fb1d4cf5f5af7183fb1d4cf5f', id: '6b221d5bc9e6496c', name: 'get /x', timestamp: Date.now() * 1000, duration: 5, localEndpoint: { serviceName: 'boxed' } };
  const r = await fetch(`http://${host}:${zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([span]) });
  expect(r.status).toBe(202);
  await waitFor('the span in the overview', async () => {
    const o = (await (await fetch(`http://${host}:${port}/api/overview`)).json()) as { collector: { spans: number } };
    return o.collector.spans === 1 || undefined;
  });
  d.child.kill('SIGINT');
  expect((await d.exited).code).toBe(0);
});

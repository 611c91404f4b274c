import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@minidapr/testkit';
import { cleanup, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
let busy: http.Server;
let busyPort: number;

beforeAll(async () => {
  busy = http.createServer((_q, r) => r.end());
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => busy.close(() => r()));
  await cleanup(s);
});

it('names the dashboard port that is in use and exits 1', async () => {
  const r = await minidaprDone(s, ['dashboard', '-p', String(busyPort), '-a', '127.0.0.1', '--no-collector']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`-p, --port: port ${busyPort} is already in use`);
});

it('names the collector port that is in use and exits 1', async () => {
  const r = await minidaprDone(s, ['dashboard', '-p', String(await freePort()), '-a', '127.0.0.1', '--zipkin-port', String(busyPort), '--otlp-port', String(await freePort())]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`--zipkin-port: port ${busyPort} is already in use`);
  expect(r.stderr).toContain('--no-collector');
});

it('refuses Kubernetes mode', async () => {
  const r = await minidaprDone(s, ['dashboard', '-k']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('-k, --kubernetes: minidapr has no Kubernetes mode');
});

import net from 'node:net';
import { cleanup, listJson, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
let blocker: net.Server;
let port: number;

beforeAll(async () => {
  blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  port = (blocker.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => blocker.close(r));
  await cleanup(s);
});

it('fails at once, naming the port and its owner, with nothing started', async () => {
  s.dir.write({ 'app.js': 'setInterval(() => {}, 1000)' });
  const started = Date.now();
  const r = await minidaprDone(s, ['run', '--app-id', 'blocked', '--dapr-http-port', String(port), '--', 'node', 'app.js']);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`--dapr-http-port: port ${port} is already in use`);
  if (process.platform === 'linux') expect(r.stderr).toContain(`by process ${process.pid}`);
  expect(r.stdout).not.toContain('Starting Dapr');
  expect(await listJson(s)).toEqual([]);
});

it.each([
  ['-I', '--dapr-internal-grpc-port'],
  ['-M', '--metrics-port'],
])('checks %s too', async (short, flag) => {
  const r = await minidaprDone(s, ['run', '--app-id', 'blocked', short, String(port)]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${flag}: port ${port} is already in use`);
  expect(r.stdout).toBe('');
});

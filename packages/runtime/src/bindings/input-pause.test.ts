/**
 * InputBindings.pause/resume (the app turned unhealthy and recovered): pausing stops reading and
 * refuses stragglers without posting to the app; resuming probes (OPTIONS) and reads again.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InputBinding, InputHandler } from '../components/bindings/contract';
import { ComponentStore } from '../components/store';
import type { ComponentManifest } from '../components/types';
import { AppChannel } from '../invoke/app-channel';
import { createLogger } from '../logger';
import { InputBindings } from './input';

class FakeInput implements InputBinding {
  handler?: InputHandler;
  reads = 0;
  stops = 0;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async read(handler: InputHandler): Promise<() => Promise<void>> {
    this.handler = handler;
    this.reads++;
    return async () => {
      this.stops++;
    };
  }
}

const seen: string[] = [];
let server: http.Server;
let channel: AppChannel;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: (server.address() as AddressInfo).port, maxConcurrency: 0 });
});

afterAll(async () => {
  channel.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('stops reading on pause, refuses stragglers without calling the app, and probes and reads again on resume', async () => {
  const logs: string[] = [];
  const logger = createLogger({ appId: 't', level: 'info', json: true, version: 't', destination: { write: (l: string) => logs.push(l) } });
  const binding = new FakeInput();
  const store = new ComponentStore();
  const manifest: ComponentManifest = { name: 'tick', category: 'bindings', type: 'bindings.fake', version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'tick.yaml' };
  store.add({ manifest, instance: binding });
  const bindings = new InputBindings({ channel, logger });
  await bindings.start(store);
  expect(bindings.names).toEqual(['tick']);
  await bindings.pause();
  expect(binding.stops).toBe(1);
  expect(bindings.names).toEqual([]);
  const straggler = binding.handler as InputHandler;
  await expect(straggler({ data: Buffer.from('{}'), metadata: {} })).rejects.toThrow('the app is not in a healthy state');
  expect(seen).toEqual(['OPTIONS /tick']);
  await bindings.resume();
  expect(binding.reads).toBe(2);
  expect(bindings.names).toEqual(['tick']);
  await (binding.handler as InputHandler)({ data: Buffer.from('{}'), metadata: {} });
  expect(seen).toEqual(['OPTIONS /tick', 'OPTIONS /tick', 'POST /tick']);
  expect(logs.join('')).toContain('stopped reading 1 input binding(s)');
  await bindings.stop(100);
  expect(binding.stops).toBe(2);
});

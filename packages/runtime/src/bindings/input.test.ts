import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InputBinding, InputHandler } from '../components/bindings/contract';
import { ComponentStore } from '../components/store';
import type { ComponentManifest, MetadataItem } from '../components/types';
import { AppChannel } from '../invoke/app-channel';
import { createLogger } from '../logger';
import { InputBindings } from './input';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = (s: Seen) => { status: number; body?: string; delayMs?: number };

class FakeInput implements InputBinding {
  handler?: InputHandler;
  stopped = false;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async read(handler: InputHandler): Promise<() => Promise<void>> {
    this.handler = handler;
    return async () => {
      this.stopped = true;
    };
  }
}

const logs: string[] = [];
const logger = createLogger({ appId: 't', level: 'debug', json: true, version: 't', destination: { write: (l: string) => logs.push(l) } });

let server: http.Server;
let port: number;
let answer: Answer;
const seen: Seen[] = [];
let channel: AppChannel;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      const a = answer(s);
      setTimeout(() => res.writeHead(a.status).end(a.body ?? ''), a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
  logs.length = 0;
  answer = () => ({ status: 200 });
  channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port, appApiToken: 'app-token', maxConcurrency: 0 });
});

afterEach(() => channel.close());

function manifest(name: string, metadata: MetadataItem[] = []): ComponentManifest {
  return { name, category: 'bindings', type: 'bindings.fake', version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml' };
}

function storeWith(...items: Array<[ComponentManifest, FakeInput]>): ComponentStore {
  const store = new ComponentStore();
  for (const [m, instance] of items) store.add({ manifest: m, instance });
  return store;
}

describe('InputBindings.start', () => {
  it('probes with OPTIONS and reads only when the app answers 2xx or 405', async () => {
    answer = (s) => ({ status: s.url === '/missing' ? 404 : s.url === '/no-options' ? 405 : 200 });
    const ok = new FakeInput();
    const allowed = new FakeInput();
    const missing = new FakeInput();
    const bindings = new InputBindings({ channel, logger });
    await bindings.start(storeWith([manifest('ok'), ok], [manifest('b', [{ name: 'route', value: '/no-options' }]), allowed], [manifest('missing'), missing]));
    expect(seen.map((s) => [s.method, s.url, s.headers['content-type']])).toEqual([
      ['OPTIONS', '/ok', 'application/json'],
      ['OPTIONS', '/no-options', 'application/json'],
      ['OPTIONS', '/missing', 'application/json'],
    ]);
    expect(ok.handler).toBeDefined();
    expect(allowed.handler).toBeDefined();
    expect(missing.handler).toBeUndefined();
    expect(bindings.names).toEqual(['ok', 'b']);
    expect(logs.join('')).toContain('OPTIONS /missing answered 404');
    await bindings.stop(1000);
    expect(ok.stopped && allowed.stopped).toBe(true);
  });

  it('skips the probe for direction: input and ignores output-only bindings', async () => {
    const explicit = new FakeInput();
    const outputOnly = new FakeInput();
    const bindings = new InputBindings({ channel, logger });
    await bindings.start(storeWith([manifest('explicit', [{ name: 'direction', value: 'Input, output' }]), explicit], [manifest('out', [{ name: 'direction', value: 'output' }]), outputOnly]));
    expect(seen).toHaveLength(0);
    expect(explicit.handler).toBeDefined();
    expect(outputOnly.handler).toBeUndefined();
    await bindings.stop(1000);
  });

  it('stops starting bindings when the probe cannot reach the app', async () => {
    const unreachable = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: 1, maxConcurrency: 0 });
    const a = new FakeInput();
    const b = new FakeInput();
    const bindings = new InputBindings({ channel: unreachable, logger });
    await bindings.start(storeWith([manifest('a'), a], [manifest('b'), b]));
    expect(a.handler).toBeUndefined();
    expect(b.handler).toBeUndefined();
    expect(logs.join('')).toContain('failed to read from bindings');
    unreachable.close();
  });
});

describe('InputBindings delivery', () => {
  async function started(opts: { attempts?: number } = {}): Promise<{ bindings: InputBindings; input: FakeInput }> {
    const input = new FakeInput();
    const bindings = new InputBindings({ channel, logger, retryBaseMs: 10, ...opts });
    await bindings.start(storeWith([manifest('evts', [{ name: 'direction', value: 'input' }, { name: 'route', value: 'hooks/evts' }]), input]));
    return { bindings, input };
  }

  it('posts the data as application/json with the metadata as headers and the app token, and returns the body', async () => {
    answer = () => ({ status: 200, body: 'thanks' });
    const { bindings, input } = await started();
    const out = await input.handler?.({ data: Buffer.from('{"n":1}'), metadata: { timeZone: 'Local', readTimeUTC: 'now', 'bad header': 'x', 'content-type': 'text/plain' } });
    expect(out?.toString()).toBe('thanks');
    const s = seen[0] as Seen;
    expect(s.method).toBe('POST');
    expect(s.url).toBe('/hooks/evts');
    expect(s.body).toBe('{"n":1}');
    expect(s.headers['content-type']).toBe('application/json');
    expect(s.headers.timezone).toBe('Local');
    expect(s.headers.readtimeutc).toBe('now');
    expect(s.headers['dapr-api-token']).toBe('app-token');
    expect(s.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(s.headers['bad header']).toBeUndefined();
    await bindings.stop(1000);
  });

  it('retries a failed delivery a bounded number of times, then fails the event', async () => {
    let calls = 0;
    answer = () => ({ status: ++calls < 3 ? 500 : 200 });
    const { bindings, input } = await started();
    await expect(input.handler?.({ data: Buffer.alloc(0), metadata: {} })).resolves.toBeDefined();
    expect(calls).toBe(3);
    answer = () => ({ status: 503, body: 'busy' });
    seen.length = 0;
    await expect(input.handler?.({ data: Buffer.alloc(0), metadata: {} })).rejects.toThrow('app answered 503 to POST /hooks/evts: busy');
    expect(seen).toHaveLength(3);
    await bindings.stop(1000);
  });

  it('reads the app answer only up to maxResponseBytes', async () => {
    answer = () => ({ status: 200, body: 'x'.repeat(100_000) });
    const input = new FakeInput();
    const bindings = new InputBindings({ channel, logger, maxResponseBytes: 1000 });
    await bindings.start(storeWith([manifest('big', [{ name: 'direction', value: 'input' }]), input]));
    const out = await input.handler?.({ data: Buffer.alloc(0), metadata: {} });
    expect(out?.length).toBe(1000);
    await bindings.stop(1000);
  });

  it('on stop: stops reading, lets in-flight posts finish, refuses new events', async () => {
    answer = () => ({ status: 200, body: 'slow', delayMs: 300 });
    const { bindings, input } = await started();
    const inFlight = input.handler?.({ data: Buffer.from('1'), metadata: {} });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await bindings.stop(5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(input.stopped).toBe(true);
    await expect(inFlight).resolves.toEqual(Buffer.from('slow'));
    await expect(input.handler?.({ data: Buffer.from('2'), metadata: {} })).rejects.toThrow('shutting down');
    expect(seen).toHaveLength(1);
  });

  it('does not retry once stopping', async () => {
    answer = () => ({ status: 500 });
    const input = new FakeInput();
    const bindings = new InputBindings({ channel, logger, retryBaseMs: 10_000 });
    await bindings.start(storeWith([manifest('x', [{ name: 'direction', value: 'input' }]), input]));
    const p = input.handler?.({ data: Buffer.alloc(0), metadata: {} });
    await new Promise((r) => setTimeout(r, 100));
    await bindings.stop(5000);
    await expect(p).rejects.toThrow('app answered 500');
    expect(seen).toHaveLength(1);
  });
});

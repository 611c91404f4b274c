import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isInputBinding, isOutputBinding } from '../contract';
import { canonicalHeader, createHttpBinding, HttpBindingError, type HttpBinding } from '.';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url?.startsWith('/status/')) {
        res.writeHead(Number(req.url.slice(8)), { 'x-multi': ['a', 'b'] }).end('nope');
      } else if (req.url === '/big') {
        res.writeHead(200).end('x'.repeat(5000));
      } else if (req.url === '/hang') {
        // never answers
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('late'), 500);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'X-Echo': 'yes' }).end(`echo ${req.method ?? ''}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
});

async function binding(metadata: Record<string, string>): Promise<HttpBinding> {
  const b = createHttpBinding(ctx);
  await b.init({ url: base, ...metadata }, { appId: 'a', cwd: '.' });
  return b;
}

describe('bindings.http', () => {
  it('is an output binding with the HTTP verbs as operations', async () => {
    const b = await binding({});
    expect(isOutputBinding(b)).toBe(true);
    expect(isInputBinding(b)).toBe(false);
    expect(b.operations()).toEqual(['create', 'get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace']);
    await b.close();
  });

  it('posts the data for create/post/put/patch with default headers, upper-case metadata as headers, and the trace context', async () => {
    const b = await binding({ securityToken: 's3cret', securityTokenHeader: 'x-token' });
    const res = await b.invoke({
      operation: 'create',
      data: Buffer.from('{"a":1}'),
      metadata: { path: '/orders/1', 'X-Custom': 'v', lower: 'not a header', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    const s = seen[0] as Seen;
    expect(s.method).toBe('POST');
    expect(s.url).toBe('/orders/1');
    expect(s.body).toBe('{"a":1}');
    expect(s.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(s.headers.accept).toBe('application/json; charset=utf-8');
    expect(s.headers['x-custom']).toBe('v');
    expect(s.headers['x-token']).toBe('s3cret');
    expect(s.headers.lower).toBeUndefined();
    expect(s.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(res?.data?.toString()).toBe('echo POST');
    expect(res?.metadata).toMatchObject({ statusCode: '200', status: '200 OK', 'Content-Type': 'text/plain', 'X-Echo': 'yes' });
    for (const op of ['put', 'patch']) await b.invoke({ operation: op, data: Buffer.from('x'), metadata: {} });
    expect(seen.slice(1).map((x) => [x.method, x.body])).toEqual([
      ['PUT', 'x'],
      ['PATCH', 'x'],
    ]);
    await b.close();
  });

  it('sends no body for get/delete and keeps the base path', async () => {
    const b = createHttpBinding(ctx);
    await b.init({ url: `${base}/api/` }, { appId: 'a', cwd: '.' });
    await b.invoke({ operation: 'get', data: Buffer.from('"ignored"'), metadata: { path: 'items' } });
    await b.invoke({ operation: 'delete', data: Buffer.from('"ignored"'), metadata: {} });
    expect(seen.map((x) => [x.method, x.url, x.body, x.headers['content-type']])).toEqual([
      ['GET', '/api/items', '', undefined],
      ['DELETE', '/api/', '', undefined],
    ]);
    await b.close();
  });

  it('fails non-2xx answers with the metadata attached, unless errorIfNot2XX is false', async () => {
    const b = await binding({});
    const err = (await b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'status/404' } }).catch((e: unknown) => e)) as HttpBindingError;
    expect(err).toBeInstanceOf(HttpBindingError);
    expect(err.message).toBe('received status code 404');
    expect(err.metadata).toMatchObject({ statusCode: '404', status: '404 Not Found', 'X-Multi': 'a, b' });
    const res = await b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'status/500', errorIfNot2XX: 'false' } });
    expect(res?.metadata?.statusCode).toBe('500');
    expect(res?.data?.toString()).toBe('nope');
    await b.close();
    const lenient = await binding({ errorIfNot2XX: 'false' });
    expect((await lenient.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'status/503' } }))?.metadata?.statusCode).toBe('503');
    await expect(lenient.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'status/503', errorIfNot2XX: 'true' } })).rejects.toThrow(
      'received status code 503',
    );
    await lenient.close();
  });

  it('cuts the body at maxResponseBodySize and times out after responseTimeout', async () => {
    const b = await binding({ maxResponseBodySize: '1Ki', responseTimeout: '100ms' });
    const res = await b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'big' } });
    expect(res?.data?.length).toBe(1024);
    await expect(b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'slow' } })).rejects.toThrow(/no complete response within 100 ms/);
    await b.close();
  });

  it('refuses paths with ".." and unreachable servers with an error', async () => {
    const b = await binding({});
    await expect(b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: '../admin' } })).rejects.toThrow('invalid path: ../admin');
    await b.close();
    const down = createHttpBinding(ctx);
    await down.init({ url: 'http://127.0.0.1:1' }, { appId: 'a', cwd: '.' });
    await expect(down.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: {} })).rejects.toThrow(/ECONNREFUSED/);
    await down.close();
  });

  it('refuses a percent-encoded ".." path before it reaches the server (issue 12 probe)', async () => {
    const b = createHttpBinding(ctx);
    await b.init({ url: `${base}/api/` }, { appId: 'a', cwd: '.' });
    for (const path of ['%2e%2e/%2e%2e/admin', '%2E%2E/admin', '..%2fadmin', '%252e%252e/admin', 'x/..%5c..%5cadmin', '.%2e/admin']) {
      await expect(b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path } })).rejects.toThrow(`invalid path: ${path}`);
    }
    expect(seen).toEqual([]);
    await b.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'a%2Fb/c..d' } });
    expect(seen.map((x) => x.url)).toEqual(['/api/a%2Fb/c..d']);
    await b.close();
  });

  it('drops framing and connection headers from metadata, so they cannot hang the call (issue 12 probe)', async () => {
    const b = await binding({ responseTimeout: '5s' });
    const metadata = {
      'Transfer-Encoding': 'chunked',
      'Content-Length': '100000',
      Connection: 'keep-alive, Upgrade',
      Upgrade: 'websocket',
      Host: 'admin.internal',
      Expect: '100-continue',
      'X-Kept': 'yes',
    };
    const res = await b.invoke({ operation: 'post', data: Buffer.from('{"a":1}'), metadata });
    expect(res?.data?.toString()).toBe('echo POST');
    const s = seen[0] as Seen;
    expect(s.body).toBe('{"a":1}');
    expect(s.headers['content-length']).toBe('7');
    expect(s.headers['transfer-encoding']).toBeUndefined();
    expect(s.headers.host).toBe(new URL(base).host);
    expect(s.headers.upgrade).toBeUndefined();
    expect(s.headers.expect).toBeUndefined();
    expect(s.headers['x-kept']).toBe('yes');
    await b.close();
  });

  it('times out after 60s by default (a server that never answers fails the call); responseTimeout 0 means no limit', async () => {
    const timeoutOf = (b: HttpBinding): number => (b as unknown as { config: { responseTimeoutMs: number } }).config.responseTimeoutMs;
    const byDefault = await binding({});
    expect(timeoutOf(byDefault)).toBe(60_000);
    await byDefault.close();
    const unlimited = await binding({ responseTimeout: '0' });
    expect(timeoutOf(unlimited)).toBe(0);
    await unlimited.close();
    const short = await binding({ responseTimeout: '200ms' });
    await expect(short.invoke({ operation: 'get', data: Buffer.alloc(0), metadata: { path: 'hang' } })).rejects.toThrow(/no complete response within 200 ms/);
    await short.close();
  });

  it.each([
    [{}, 'metadata field "url" is required'],
    [{ url: 'not a url' }, 'metadata field "url" must be an absolute http or https URL'],
    [{ url: 'ftp://x' }, 'metadata field "url" must use http or https'],
    [{ url: 'http://x', maxResponseBodySize: 'lots' }, 'metadata field "maxResponseBodySize" must be a size'],
    [{ url: 'http://x', responseTimeout: 'soon' }, 'metadata field "responseTimeout" must be a duration'],
    [{ url: 'http://x', MTLSClientCert: '-----BEGIN CERTIFICATE-----' }, 'metadata field "MTLSClientKey" is required'],
    [{ url: 'https://x', MTLSRootCA: 'missing-ca.pem' }, 'metadata field "MTLSRootCA" is neither PEM text nor a readable file'],
  ])('fails init for %j', async (metadata, message) => {
    await expect(createHttpBinding(ctx).init(metadata, { appId: 'a', cwd: '.' })).rejects.toThrow(`component bindings.http: ${message}`);
  });
});

describe('canonicalHeader', () => {
  it('capitalises like Go', () => {
    expect(canonicalHeader('content-type')).toBe('Content-Type');
    expect(canonicalHeader('X-CUSTOM-thing')).toBe('X-Custom-Thing');
  });
});

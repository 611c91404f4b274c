// Scenario: bad requests to the Zipkin API get Zipkin's status codes and a clear message; CORS lets a
// Zipkin UI on another origin call the API.
import { gzipSync } from 'node:zlib';
import { freePort, tempDir } from '@minidapr/testkit';
import { openSpanStore, startCollector } from '../../../src/index';
import { startTestCollector, type TestCollector } from './helpers';

describe('Zipkin API errors and CORS', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(() => c.close());

  const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> =>
    fetch(`${c.zipkin}/api/v2/spans`, { method: 'POST', headers, body });

  it('rejects malformed span bodies with 400 and stores nothing', async () => {
    const cases: [string | Uint8Array, Record<string, string>, RegExp][] = [
      ['[{"traceId": "a"', { 'content-type': 'application/json' }, /malformed JSON/],
      ['{"traceId": "a", "id": "b"}', { 'content-type': 'application/json' }, /expected a JSON array/],
      ['[{"traceId": "xyz", "id": "b"}]', { 'content-type': 'application/json' }, /span 0: traceId should be lower-hex/],
      ['[{"traceId": "a", "id": "b", "kind": "INTERNAL"}]', { 'content-type': 'application/json' }, /span 0: kind must be one of/],
      [Buffer.from([0x0a, 0x05, 0x01]), { 'content-type': 'application/x-protobuf' }, /malformed Zipkin protobuf/],
      ['not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, /cannot decode gzip body/],
    ];
    for (const [body, headers, message] of cases) {
      const res = await post(body, headers);
      expect({ status: res.status, text: await res.text() }).toEqual({ status: 400, text: expect.stringMatching(message) });
    }
    expect(c.store.count()).toBe(0);
  });

  it('answers 415 for other media types and encodings, and 202 for an empty list', async () => {
    expect((await post('x', { 'content-type': 'application/x-thrift' })).status).toBe(415);
    expect((await post('[]', { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
    expect((await post('[]')).status).toBe(202);
  });

  it('validates query parameters as Zipkin does', async () => {
    const status = async (path: string): Promise<[number, string]> => {
      const res = await fetch(c.zipkin + path);
      return [res.status, await res.text()];
    };
    expect(await status('/api/v2/spans')).toEqual([400, expect.stringContaining('serviceName')]);
    expect(await status('/api/v2/remoteServices')).toEqual([400, expect.stringContaining('serviceName')]);
    expect(await status('/api/v2/traces?limit=0')).toEqual([400, 'limit <= 0']);
    expect(await status('/api/v2/traces?limit=ten')).toEqual([400, expect.stringContaining('limit must be an integer')]);
    expect(await status('/api/v2/traces?maxDuration=5')).toEqual([400, 'maxDuration is only valid with minDuration']);
    expect(await status('/api/v2/traces?minDuration=10&maxDuration=5')).toEqual([400, 'maxDuration < minDuration']);
    expect(await status('/api/v2/traces?lookback=0')).toEqual([400, 'lookback <= 0']);
    expect(await status('/api/v2/trace/not-hex')).toEqual([400, expect.stringContaining('lower-hex')]);
    expect(await status('/api/v2/traceMany')).toEqual([400, expect.stringContaining('traceIds')]);
    expect(await status('/api/v2/traceMany?traceIds=,')).toEqual([400, 'traceIds parameter is empty']);
    expect(await status('/api/v2/dependencies')).toEqual([400, expect.stringContaining('endTs')]);
    expect((await status('/api/v2/nothing'))[0]).toBe(404);
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const res = await fetch(`${c.zipkin}/api/v2/services`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('sends CORS headers and answers preflight requests', async () => {
    const pre = await fetch(`${c.zipkin}/api/v2/spans`, {
      method: 'OPTIONS', headers: { origin: 'http://ui.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
    const get = await fetch(`${c.zipkin}/api/v2/services`, { headers: { origin: 'http://ui.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('body size limit', () => {
  it('answers 413 past the limit, compressed or not', async () => {
    const home = tempDir('minidapr-collector-');
    const store = openSpanStore({ path: `${home.path}/spans.db` });
    const collector = await startCollector({ store, host: '127.0.0.1', zipkinPort: await freePort(), otlpPort: null, bodyLimit: 1024 });
    try {
      const url = `http://127.0.0.1:${collector.zipkinPort}/api/v2/spans`;
      const big = JSON.stringify([{ traceId: '1', id: '1', name: 'x'.repeat(4096) }]);
      const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(plain.status).toBe(413);
      const zipped = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(big) });
      expect(zipped.status).toBe(413);
      expect(await zipped.text()).toContain('after decompression');
      expect(store.count()).toBe(0);
    } finally {
      await collector.close();
      store.close();
      home.remove();
    }
  });
});

import { filterPeerHeaders, filterRawResponseHeaders, filterRequestHeaders, filterResponseHeaders } from './headers';

describe('invocation headers', () => {
  const inbound = {
    host: 'localhost:3500',
    connection: 'keep-alive, x-private',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    te: 'trailers',
    upgrade: 'h2c',
    'proxy-authorization': 'x',
    'x-private': 'listed in Connection',
    'dapr-api-token': 'secret',
    'dapr-app-id': 'orders',
    'dapr-caller-app-id': 'spoofed',
    'dapr-callee-app-id': 'spoofed',
    'grpc-trace-bin': 'x',
    'x-custom': 'kept',
    'content-type': 'application/json',
    traceparent: '00-aa-bb-01',
  };

  it('strips hop-by-hop, control and spoofed identity headers from callers', () => {
    expect(filterRequestHeaders(inbound)).toEqual({ 'x-custom': 'kept', 'content-type': 'application/json', traceparent: '00-aa-bb-01' });
  });

  it('keeps identity set by a peer sidecar but never the token', () => {
    const out = filterPeerHeaders({ 'dapr-caller-app-id': 'checkout', 'dapr-api-token': 't', connection: 'close', 'x-a': '1' });
    expect(out).toEqual({ 'dapr-caller-app-id': 'checkout', 'x-a': '1' });
  });

  it('strips hop-by-hop headers from responses', () => {
    expect(filterResponseHeaders({ connection: 'close', 'transfer-encoding': 'chunked', 'x-app': '1', 'content-length': '3' })).toEqual({
      'x-app': '1',
      'content-length': '3',
    });
  });

  it('filters raw response headers the same way, keeping repeated lines and replacing what we add', () => {
    const raw = ['Connection', 'close, X-Private', 'Transfer-Encoding', 'chunked', 'X-App', '1', 'x-private', 'p', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];
    raw.push('Content-Length', '3', 'Content-Length', '3', 'traceparent', 'app', 'constructor', 'kept');
    expect(filterRawResponseHeaders(raw, { traceparent: 'ours' })).toEqual({
      headers: ['X-App', '1', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Length', '3', 'Content-Length', '3', 'constructor', 'kept', 'traceparent', 'ours'],
      contentLength: '3',
      chunked: true,
    });
    expect(filterRawResponseHeaders(['Content-Type', 'text/plain'])).toEqual({ headers: ['Content-Type', 'text/plain'], contentLength: undefined, chunked: false });
  });
});

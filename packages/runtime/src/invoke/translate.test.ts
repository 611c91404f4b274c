import { Metadata, status } from '@grpc/grpc-js';
import { GrpcPassthrough } from '../api/grpc/errors';
import { decodeDetail, decodeStatus, encodeStatus, errorInfo } from '../api/grpc/status';
import { invokeErrors } from '../errors/invoke';
import {
  errorOfAnswer,
  grpcErrorOf,
  grpcStatusFromHeaders,
  grpcStatusHeaders,
  grpcStatusOf,
  headersFromMetadata,
  httpFormOf,
  invokeResponseOf,
  metadataFromHeaders,
  resultOf,
  statusJson,
  verbName,
  verbNumber,
} from './translate';

describe('InvokeRequest → HTTP request', () => {
  it('maps the verb enum, NONE and unknown values to POST', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 42].map(verbName)).toEqual(['POST', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'POST']);
    expect(verbName(undefined)).toBe('POST');
    expect(['get', 'PATCH', 'BREW'].map(verbNumber)).toEqual([1, 9, 0]);
  });

  it('takes method, query, content type and body; a typed Any is protobuf', () => {
    const body = Buffer.from('{"a":1}');
    expect(httpFormOf({ method: 'orders/1', data: { type_url: '', value: body }, contentType: 'application/json', httpExtension: { verb: 4, querystring: '?x=1&y=2' } })).toEqual({
      method: 'orders/1',
      verb: 'PUT',
      query: 'x=1&y=2',
      contentType: 'application/json',
      body,
    });
    expect(httpFormOf({ method: 'm', data: { type_url: 'type.googleapis.com/acme.Order', value: body }, contentType: 'text/plain', httpExtension: null })).toMatchObject({
      verb: 'POST',
      query: '',
      contentType: 'application/x-protobuf',
    });
    expect(httpFormOf({ method: 'm', data: null, contentType: '', httpExtension: null })).toEqual({ method: 'm', verb: 'POST', query: '', contentType: undefined, body: Buffer.alloc(0) });
  });

  it('turns metadata into headers without transport, grpc-* or binary entries', () => {
    const md = new Metadata();
    md.set('x-custom', 'a');
    md.add('x-multi', '1');
    md.add('x-multi', '2');
    md.set('user-agent', 'grpc-node-js/1.14.7');
    md.set('content-type', 'application/grpc');
    md.set('grpc-accept-encoding', 'identity');
    md.set('trace-bin', Buffer.from([1]));
    md.set(':authority', '127.0.0.1:1');
    expect(headersFromMetadata(md)).toEqual({ 'x-custom': 'a', 'x-multi': ['1', '2'] });
  });
});

describe('HTTP answer → InvokeResponse or status', () => {
  it('answers data + content type for a 2xx', () => {
    const r = { status: 201, headers: { 'content-type': 'text/plain' }, body: Buffer.from('ok') };
    expect(errorOfAnswer(r)).toBeUndefined();
    expect(invokeResponseOf(r)).toEqual({ data: { value: Buffer.from('ok') }, contentType: 'text/plain' });
  });

  it("makes daprd's ErrorFromHTTPResponseCode of a non-2xx, with dapr-http-status", () => {
    const err = errorOfAnswer({ status: 400, headers: {}, body: Buffer.from('x'.repeat(100)) }) as Error & { code: number; metadata: Metadata };
    expect([err.code, err.message]).toEqual([status.INTERNAL, 'Bad Request']);
    expect(err.metadata.get('dapr-http-status')).toEqual(['400']);
    const s = decodeStatus(err.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(s.details.map(decodeDetail)).toEqual([{ reason: 'Bad Request', domain: 'dapr.io', metadata: { 'http.code': '400', 'http.error_message': 'x'.repeat(63) } }]);
  });

  it("relays a gRPC app's status untouched and lets OK through", () => {
    const details = encodeStatus({ code: 5, message: 'no order', details: [errorInfo('NOPE', 'acme', {})] });
    const err = errorOfAnswer({ status: 404, headers: {}, body: Buffer.alloc(0), grpc: { code: 5, message: 'no order', details } });
    expect(err).toBeInstanceOf(GrpcPassthrough);
    expect([(err as GrpcPassthrough).code, err?.message]).toEqual([5, 'no order']);
    expect((err as GrpcPassthrough).metadata?.get('grpc-status-details-bin')).toEqual([details]);
    expect(errorOfAnswer({ status: 200, headers: {}, body: Buffer.alloc(0), grpc: { code: 0, message: '' } })).toBeUndefined();
  });

  it('turns answer headers into response metadata without framing or internal headers', () => {
    const md = metadataFromHeaders({ 'content-type': 'a/b', 'content-length': '2', 'x-app': 'orders', 'set-cookie': ['a=1', 'b=2'], 'dapr-grpc-status': '0', connection: 'close', 'bad-bin': 'x', traceparent: 't' });
    expect(md.toJSON()).toEqual({ 'x-app': ['orders'], 'set-cookie': ['a=1', 'b=2'] });
  });
});

describe('errors on the invocation path', () => {
  it("says 'fail to invoke' as daprd's gRPC API, keeping code and detail", () => {
    const s = grpcStatusOf(invokeErrors.failed('orders', 'app id orders not found'));
    expect(s).toEqual({ code: status.INTERNAL, message: 'fail to invoke, id: orders, err: app id orders not found', details: [] });
    const denied = grpcErrorOf(invokeErrors.permissionDenied('orders', 'spiffe://public/ns/default/x', 'admin', 'POST'));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(denied.message).toMatch(/^fail to invoke, id: orders, err: access control policy has denied/);
    expect(denied.metadata?.get('grpc-status-details-bin')).toEqual([]);
  });
});

describe('the internal dapr-grpc-* headers', () => {
  it('carry code, message (any characters) and details across the hop', () => {
    const details = Buffer.from([0, 1, 2, 255]);
    const h = grpcStatusHeaders({ code: 9, message: 'état: pas prêt\nligne 2', details });
    expect(grpcStatusFromHeaders(h)).toEqual({ code: 9, message: 'état: pas prêt\nligne 2', details });
    expect(grpcStatusFromHeaders(grpcStatusHeaders({ code: 0, message: '' }))).toEqual({ code: 0, message: '' });
    expect(grpcStatusFromHeaders({})).toBeUndefined();
    expect(grpcStatusFromHeaders({ 'dapr-grpc-status': 'x' })).toBeUndefined();
  });

  it('are read from a peer answer only, and never kept as answer headers', () => {
    const answer = { status: 404, headers: { 'content-type': 'a/b', 'content-length': '0', ...grpcStatusHeaders({ code: 5, message: 'm' }) }, body: Buffer.alloc(0) };
    expect(resultOf(answer, true)).toEqual({ status: 404, headers: { 'content-type': 'a/b' }, body: Buffer.alloc(0), grpc: { code: 5, message: 'm' } });
    expect(resultOf(answer, false)).toEqual({ status: 404, headers: { 'content-type': 'a/b' }, body: Buffer.alloc(0) });
  });

  it('render a failed status as JSON for HTTP callers, known details decoded', () => {
    const details = encodeStatus({ code: 5, message: 'm', details: [errorInfo('NOPE', 'acme', { k: 'v' })] });
    expect(JSON.parse(statusJson({ code: 5, message: 'm', details }).toString())).toEqual({
      code: 5,
      message: 'm',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'NOPE', domain: 'acme', metadata: { k: 'v' } }],
    });
    expect(JSON.parse(statusJson({ code: 2, message: 'x' }).toString())).toEqual({ code: 2, message: 'x', details: [] });
  });
});

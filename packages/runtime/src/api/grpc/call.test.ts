import { Client, credentials, Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import type { RuntimeContext } from '../../lifecycle/context';
import { createLogger } from '../../logger';
import { binaryFromTraceparent, checkToken, traceparentFromBinary, type GrpcCall, type GrpcDeps } from './call';
import { DAPR_SERVICE, serviceDefinition } from './proto';
import { GrpcRegistry } from './registry';
import { decodeDetail, decodeStatus } from './status';
import { tokenDigest } from '../../security/token';
import type { Tracing } from '../../tracing/tracer';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function depsWith(apiToken?: string, tracing?: Tracing): GrpcDeps {
  return {
    ctx: { options: { apiToken }, deps: { apiLogging: false }, logger: createLogger({ appId: 't', level: 'error', json: true, version: '0' }) } as unknown as RuntimeContext,
    universal: () => {
      throw new Error('unused');
    },
    tracing: () => tracing,
  };
}

/** A tracer recording what call.ts does with its one span. */
function fakeTracing() {
  const spans: Array<{ name: string; kind: string; parent?: string; attributes: Record<string, unknown>; ended?: [number | undefined, string | undefined] }> = [];
  const tracing = {
    samplingRate: 1,
    start(name: string, kind: string, parent?: string) {
      const rec: (typeof spans)[number] = { name, kind, parent, attributes: {} };
      spans.push(rec);
      return {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01',
        tracestate: undefined,
        recording: true,
        setName: (n: string) => void (rec.name = n),
        setAttributes: (a: Record<string, unknown>) => void Object.assign(rec.attributes, a),
        end: (httpStatus?: number, error?: string) => void (rec.ended = [httpStatus, error]),
      };
    },
    flush: async () => {},
    shutdown: async () => {},
  } as unknown as Tracing;
  return { tracing, spans };
}

let server: Server | undefined;
let client: Client | undefined;
afterEach(() => {
  client?.close();
  server?.forceShutdown();
});

/** Serves GetMetadata with `handler`; returns a caller. */
async function serve(deps: GrpcDeps, handler: (call: GrpcCall<unknown>) => Promise<unknown>) {
  const registry = new GrpcRegistry(deps);
  registry.add({ unary: { GetMetadata: (_d, call) => handler(call) } });
  server = new Server();
  server.addService(serviceDefinition(DAPR_SERVICE), registry.implementation());
  const port = await new Promise<number>((res, rej) => server?.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const def = serviceDefinition(DAPR_SERVICE).GetMetadata as { path: string; requestSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown };
  return (md: Metadata, deadline?: number) =>
    new Promise<{ err?: ServiceError; res?: unknown; headers?: Metadata }>((resolve) => {
      let headers: Metadata | undefined;
      const call = client?.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, {}, md, deadline ? { deadline } : {}, (err, res) =>
        resolve(err ? { err, headers } : { res, headers }),
      );
      call?.on('metadata', (m) => (headers = m));
    });
}

describe('gRPC call wrapper', () => {
  it('checks the API token: missing and wrong are UNAUTHENTICATED with daprd details, right passes without it', async () => {
    let seen: Metadata | undefined;
    const call = await serve(depsWith('s3cret'), async (c) => {
      seen = c.metadata;
      return { id: 'ok' };
    });
    const missing = await call(new Metadata());
    expect([missing.err?.code, missing.err?.details]).toEqual([status.UNAUTHENTICATED, 'Unauthorized']);
    const s = decodeStatus(missing.err?.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(s.details.map(decodeDetail)).toEqual([
      { reason: 'Unauthorized', domain: 'dapr.io', metadata: { 'http.code': '401', 'http.error_message': 'missing api token in request metadata' } },
    ]);
    const wrongMd = new Metadata();
    wrongMd.set('dapr-api-token', 'nope');
    const wrong = await call(wrongMd);
    expect(decodeStatus(wrong.err?.metadata.get('grpc-status-details-bin')[0] as Buffer).details.map(decodeDetail)[0]).toMatchObject({
      metadata: { 'http.error_message': 'authentication error: api token mismatch' },
    });
    expect(seen).toBeUndefined();
    const rightMd = new Metadata();
    rightMd.set('dapr-api-token', 's3cret');
    expect((await call(rightMd)).res).toMatchObject({ id: 'ok' });
    expect(seen?.get('dapr-api-token')).toEqual([]);
  });

  it('asks for no token when none is configured', () => {
    expect(checkToken(undefined, new Metadata())).toBeUndefined();
    const md = new Metadata();
    md.set('dapr-api-token', 'x');
    expect(checkToken(tokenDigest('x'), md)).toBeUndefined();
  });

  it('aborts the handler signal at the deadline and reports DEADLINE_EXCEEDED', async () => {
    let aborted: Promise<number> | undefined;
    let deadlineSeen: number | undefined;
    const call = await serve(depsWith(), (c) => {
      deadlineSeen = c.deadline;
      aborted = new Promise((resolve) => c.signal.addEventListener('abort', () => resolve(Date.now())));
      return aborted.then(() => ({}));
    });
    const deadline = Date.now() + 200;
    const r = await call(new Metadata(), deadline);
    expect(r.err?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(await aborted).toBeGreaterThanOrEqual(deadline - 50);
    expect(Math.abs((deadlineSeen ?? 0) - deadline)).toBeLessThan(50);
  });

  it('takes the trace from grpc-trace-bin (traceparent wins) and answers with both', async () => {
    let trace: GrpcCall<unknown>['trace'] | undefined;
    const call = await serve(depsWith(), async (c) => {
      trace = c.trace;
      return {};
    });
    const md = new Metadata();
    md.set('grpc-trace-bin', binaryFromTraceparent(TP) as Buffer);
    const r = await call(md);
    expect(trace?.traceparent).toBe(TP);
    expect(r.headers?.get('traceparent')).toEqual([TP]);
    expect(r.headers?.get('grpc-trace-bin')).toEqual([binaryFromTraceparent(TP)]);
    const both = new Metadata();
    both.set('grpc-trace-bin', binaryFromTraceparent(TP) as Buffer);
    const other = '00-11111111111111111111111111111111-2222222222222222-00';
    both.set('traceparent', other);
    await call(both);
    expect(trace?.traceparent).toBe(other);
    await call(new Metadata());
    expect(trace?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it('records one API span per call, child of the incoming trace, and hands its context on', async () => {
    const { tracing, spans } = fakeTracing();
    let trace: GrpcCall<unknown>['trace'] | undefined;
    const call = await serve(depsWith(undefined, tracing), async (c) => {
      trace = c.trace;
      c.responseMetadata.set('x-extra', 'yes');
      return {};
    });
    const md = new Metadata();
    md.set('traceparent', TP);
    const r = await call(md);
    expect(spans).toEqual([
      {
        name: '/dapr.proto.runtime.v1.Dapr/GetMetadata',
        kind: 'SERVER',
        parent: TP,
        attributes: expect.objectContaining({ 'rpc.system': 'grpc', 'rpc.method': 'GetMetadata', 'dapr.protocol': 'grpc', 'dapr.status_code': '0' }),
        ended: [200, undefined],
      },
    ]);
    expect(trace?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01');
    expect(r.headers?.get('traceparent')).toEqual([trace?.traceparent]);
    expect(r.headers?.get('x-extra')).toEqual(['yes']);
  });

  it('converts grpc-trace-bin both ways and rejects malformed input', () => {
    expect(traceparentFromBinary(binaryFromTraceparent(TP) as Buffer)).toBe(TP);
    expect(traceparentFromBinary(Buffer.alloc(5))).toBeUndefined();
    expect(binaryFromTraceparent('garbage')).toBeUndefined();
  });
});

import { Client, credentials, Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { createLogger } from '../../logger';
import type { RuntimeContext } from '../../lifecycle/context';
import type { GrpcDeps } from './call';
import { DAPR_SERVICE, serviceDefinition } from './proto';
import { GrpcRegistry } from './registry';
import { RETRIEVE_HANDLER } from './server';

const deps = {
  ctx: { options: { apiToken: undefined }, deps: { apiLogging: false }, logger: createLogger({ appId: 't', level: 'error', json: true, version: '0' }) } as unknown as RuntimeContext,
  universal: () => {
    throw new Error('unused');
  },
  tracing: () => undefined,
} satisfies GrpcDeps;

let server: Server | undefined;
afterEach(() => server?.forceShutdown());

async function serve(registry: GrpcRegistry): Promise<string> {
  server = new Server();
  server.addService(serviceDefinition(DAPR_SERVICE), registry.implementation());
  const port = await new Promise<number>((res, rej) => server?.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  return `127.0.0.1:${port}`;
}

function unary(target: string, rpc: string, req: unknown): Promise<{ err?: ServiceError; res?: unknown }> {
  const def = serviceDefinition(DAPR_SERVICE)[rpc] as { path: string; requestSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown };
  const client = new Client(target, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, req, new Metadata(), (err, res) => {
      client.close();
      resolve(err ? { err } : { res });
    });
  });
}

describe('GrpcRegistry', () => {
  it('answers a registered RPC and UNIMPLEMENTED for every other Dapr RPC', async () => {
    const registry = new GrpcRegistry(deps);
    registry.add({ unary: { GetMetadata: async () => ({ id: 'x' }) } });
    const target = await serve(registry);
    expect((await unary(target, 'GetMetadata', {})).res).toMatchObject({ id: 'x' });
    const { err } = await unary(target, 'GetState', { storeName: 's', key: 'k' });
    expect([err?.code, err?.details]).toEqual([status.UNIMPLEMENTED, 'method GetState is not implemented']);
    expect(err?.metadata.get('grpc-status-details-bin')).toEqual([]);
  });

  it('implements every Dapr RPC, streaming ones included', () => {
    const impl = new GrpcRegistry(deps).implementation();
    expect(Object.keys(impl).sort()).toEqual(Object.keys(serviceDefinition(DAPR_SERVICE)).sort());
  });

  it('refuses an RPC registered twice, an unknown RPC and a handler of the wrong kind', () => {
    const r = new GrpcRegistry(deps);
    r.add({ unary: { GetState: async () => ({}) } });
    expect(() => r.add({ unary: { GetState: async () => ({}) } })).toThrow('registered twice');
    const unknown = new GrpcRegistry(deps);
    unknown.add({ unary: { NoSuchRpc: async () => ({}) } });
    expect(() => unknown.implementation()).toThrow('no such RPC');
    const wrongKind = new GrpcRegistry(deps);
    wrongKind.add({ unary: { SubscribeTopicEventsAlpha1: async () => ({}) } });
    expect(() => wrongKind.implementation()).toThrow('streaming kind');
  });

  it('relies on a grpc-js method the proxy hook overrides (pinned version guard)', () => {
    expect(typeof (Server.prototype as unknown as Record<string, unknown>)[RETRIEVE_HANDLER]).toBe('function');
  });
});

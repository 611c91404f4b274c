import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CALLBACK, APP_CALLBACK_ALPHA, APP_CALLBACK_HEALTH, DAPR_SERVICE, loadDaprProtos, messageCodec, protoRoot, serviceDefinition } from './proto';

describe('Dapr protos', () => {
  it('defines every RPC of dapr.proto.runtime.v1.Dapr', () => {
    const text = readFileSync(join(protoRoot(), 'dapr', 'proto', 'runtime', 'v1', 'dapr.proto'), 'utf8');
    const declared = [...text.matchAll(/^\s*rpc\s+(\w+)\s*\(/gm)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(50);
    expect(Object.keys(serviceDefinition(DAPR_SERVICE)).sort()).toEqual([...declared].sort());
  });

  it('defines the app callback services and is loaded once', () => {
    for (const s of [APP_CALLBACK, APP_CALLBACK_ALPHA, APP_CALLBACK_HEALTH]) expect(Object.keys(serviceDefinition(s)).length).toBeGreaterThan(0);
    expect(Object.keys(serviceDefinition(APP_CALLBACK_ALPHA))).toContain('OnBulkTopicEventAlpha1');
    expect(loadDaprProtos()).toBe(loadDaprProtos());
    expect(() => serviceDefinition('no.such.Service')).toThrow('unknown gRPC service');
  });

  it('decodes what the grpc-js definition encodes, camelCase with defaults', () => {
    const method = serviceDefinition(DAPR_SERVICE).GetState as { requestSerialize(v: unknown): Buffer };
    const bytes = method.requestSerialize({ storeName: 's', key: 'k', metadata: { a: 'b' } });
    expect(messageCodec('dapr.proto.runtime.v1.GetStateRequest').decode(bytes)).toEqual({ storeName: 's', key: 'k', consistency: 0, metadata: { a: 'b' } });
    const codec = messageCodec<{ data: Buffer; topic: string }>('dapr.proto.runtime.v1.TopicEventRequest');
    expect(codec.decode(codec.encode({ data: Buffer.from('x'), topic: 't' })).data).toEqual(Buffer.from('x'));
  });
});

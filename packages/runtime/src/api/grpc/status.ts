/**
 * @module api/grpc/status
 * google.rpc.Status and the three detail messages Dapr sends (ErrorInfo, ResourceInfo, BadRequest),
 * defined with protobufjs reflection: the protos @dapr/dapr ships do not include them. Field names
 * are camelCase (as the proto loader's), the wire format is the protos'.
 */
import protobuf from 'protobufjs';

export interface RpcStatus {
  code: number;
  message: string;
  details: Array<{ typeUrl: string; value: Buffer }>;
}

const TYPE_PREFIX = 'type.googleapis.com/';

// keyType (map fields) is valid descriptor JSON that protobufjs' INamespace typing lacks.
const root = protobuf.Root.fromJSON(({
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
        rpc: {
          nested: {
            Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 } } },
            ErrorInfo: { fields: { reason: { type: 'string', id: 1 }, domain: { type: 'string', id: 2 }, metadata: { keyType: 'string', type: 'string', id: 3 } } },
            ResourceInfo: {
              fields: { resourceType: { type: 'string', id: 1 }, resourceName: { type: 'string', id: 2 }, owner: { type: 'string', id: 3 }, description: { type: 'string', id: 4 } },
            },
            BadRequest: {
              fields: { fieldViolations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: { FieldViolation: { fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } } } },
            },
          },
        },
      },
    },
  },
}) as unknown as protobuf.INamespace);

const StatusType = root.lookupType('google.rpc.Status');
const ErrorInfoType = root.lookupType('google.rpc.ErrorInfo');
const ResourceInfoType = root.lookupType('google.rpc.ResourceInfo');
const BadRequestType = root.lookupType('google.rpc.BadRequest');

const encode = (t: protobuf.Type, v: Record<string, unknown>): Buffer => Buffer.from(t.encode(t.fromObject(v)).finish());

export function encodeStatus(s: RpcStatus): Buffer {
  return encode(StatusType, { code: s.code, message: s.message, details: s.details.map((d) => ({ typeUrl: d.typeUrl, value: d.value })) });
}

export function decodeStatus(b: Buffer): RpcStatus {
  const o = StatusType.toObject(StatusType.decode(b), { defaults: true, bytes: Buffer }) as {
    code: number;
    message: string;
    details: Array<{ typeUrl: string; value: Buffer }>;
  };
  return { code: o.code, message: o.message, details: o.details.map((d) => ({ typeUrl: d.typeUrl, value: Buffer.from(d.value) })) };
}

export function errorInfo(reason: string, domain: string, metadata: Record<string, string>): { typeUrl: string; value: Buffer } {
  return { typeUrl: TYPE_PREFIX + 'google.rpc.ErrorInfo', value: encode(ErrorInfoType, { reason, domain, metadata }) };
}

export function resourceInfo(r: { resourceType: string; resourceName: string; owner: string; description: string }): { typeUrl: string; value: Buffer } {
  return {
    typeUrl: TYPE_PREFIX + 'google.rpc.ResourceInfo',
    value: encode(ResourceInfoType, { resourceType: r.resourceType, resourceName: r.resourceName, owner: r.owner, description: r.description }),
  };
}

export function badRequest(v: Array<{ field: string; description: string }>): { typeUrl: string; value: Buffer } {
  return { typeUrl: TYPE_PREFIX + 'google.rpc.BadRequest', value: encode(BadRequestType, { fieldViolations: v }) };
}

/** Decodes one detail this module knows (tests, clients); unknown types give undefined. */
export function decodeDetail(d: { typeUrl: string; value: Buffer }): Record<string, unknown> | undefined {
  const name = d.typeUrl.slice(d.typeUrl.lastIndexOf('/') + 1);
  const t = { 'google.rpc.ErrorInfo': ErrorInfoType, 'google.rpc.ResourceInfo': ResourceInfoType, 'google.rpc.BadRequest': BadRequestType }[name];
  return t ? (t.toObject(t.decode(d.value), { defaults: true }) as Record<string, unknown>) : undefined;
}

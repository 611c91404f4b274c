/**
 * @module api/grpc/proto
 * The Dapr protos shipped with @dapr/dapr (copied into dist/proto by the build), loaded once at runtime with @grpc/proto-loader (no
 * generated code). Fields are camelCase, enums numbers, bytes Buffers, unset scalars defaults.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

export const DAPR_SERVICE = 'dapr.proto.runtime.v1.Dapr';
export const APP_CALLBACK = 'dapr.proto.runtime.v1.AppCallback';
export const APP_CALLBACK_ALPHA = 'dapr.proto.runtime.v1.AppCallbackAlpha';
export const APP_CALLBACK_HEALTH = 'dapr.proto.runtime.v1.AppCallbackHealthCheck';

const PROTO_FILES = ['dapr/proto/runtime/v1/dapr.proto', 'dapr/proto/runtime/v1/appcallback.proto'];

/**
 * Where the .proto files are: dist/proto in a build (the build copies them from @dapr/dapr, so an
 * installed runtime needs no SDK), else the @dapr/dapr devDependency itself (tests run from src/).
 */
export function protoRoot(): string {
  const built = join(__dirname, '..', '..', 'proto');
  if (existsSync(join(built, 'dapr', 'proto', 'runtime', 'v1', 'dapr.proto'))) return built;
  return join(dirname(require.resolve('@dapr/dapr/package.json')), 'proto');
}

export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: false,
  longs: Number,
  enums: Number,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [protoRoot()],
});

let definition: PackageDefinition | undefined;
let root: protobuf.Root | undefined;

/** The package definition of dapr.proto + appcallback.proto (memoised). */
export function loadDaprProtos(): PackageDefinition {
  definition ??= loadSync(PROTO_FILES, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
  return definition;
}

/** grpc-js service definition (for Server.addService / makeGenericClientConstructor). */
export function serviceDefinition(fullName: string): ServiceDefinition {
  const def = loadDaprProtos()[fullName];
  if (!def || typeof def !== 'object' || 'format' in def) throw new Error(`unknown gRPC service ${fullName}`);
  return def as unknown as ServiceDefinition;
}

function reflectionRoot(): protobuf.Root {
  if (!root) {
    const r = new protobuf.Root();
    const base = protoRoot();
    r.resolvePath = (_origin, target) => (target.startsWith(base) ? target : join(base, target));
    r.loadSync(PROTO_FILES, { keepCase: false });
    r.resolveAll();
    root = r;
  }
  return root;
}

const CONVERSION: protobuf.IConversionOptions = { longs: Number, enums: Number, bytes: Buffer, defaults: true, oneofs: true };

/** Message codec by full name, e.g. 'dapr.proto.runtime.v1.TopicEventRequest' (same shapes as the loader's). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the caller names the shape (GRPC-CONTRACT §2.1)
export function messageCodec<T = any>(fullName: string): { encode(v: T): Buffer; decode(b: Buffer): T } {
  const type = reflectionRoot().lookupType(fullName);
  return {
    encode: (v) => Buffer.from(type.encode(type.fromObject(v as Record<string, unknown>)).finish()),
    decode: (b) => type.toObject(type.decode(b), CONVERSION) as T,
  };
}

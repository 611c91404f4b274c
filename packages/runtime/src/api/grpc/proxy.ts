// owned by P6
/**
 * @module api/grpc/proxy
 * dapr-app-id proxying of arbitrary gRPC calls (stub: no proxying until P6 lands, so a path that
 * is not a Dapr RPC answers UNIMPLEMENTED).
 */
import type { GrpcDeps } from './call';
import type { ProxyHook } from './server';

export function createProxyHook(_deps: GrpcDeps): ProxyHook | undefined {
  return undefined;
}

/**
 * @module api/grpc/secrets
 * The secrets API over gRPC: GetSecret (one secret: a map of values) and GetBulkSecret (every
 * secret the Configuration's secret scopes allow, each as SecretResponse{secrets}). A thin adapter
 * over api/universal/secrets.ts; a store with nothing to give answers an empty map.
 */
import * as secrets from '../universal/secrets';
import type { GrpcCall, GrpcDeps, HandlerModule } from './call';

interface GetSecretRequestPb {
  storeName: string;
  key: string;
  metadata: Record<string, string>;
}

interface GetBulkSecretRequestPb {
  storeName: string;
  metadata: Record<string, string>;
}

interface GetSecretResponsePb {
  data: Record<string, string>;
}

interface GetBulkSecretResponsePb {
  data: Record<string, { secrets: Record<string, string> }>;
}

async function getSecret(deps: GrpcDeps, call: GrpcCall<GetSecretRequestPb>): Promise<GetSecretResponsePb> {
  const req = call.request;
  const data = await secrets.getSecret(deps.universal(), { storeName: req.storeName, key: req.key, metadata: { ...req.metadata } });
  return { data: { ...data } };
}

async function getBulkSecret(deps: GrpcDeps, call: GrpcCall<GetBulkSecretRequestPb>): Promise<GetBulkSecretResponsePb> {
  const req = call.request;
  const all = await secrets.getBulkSecret(deps.universal(), { storeName: req.storeName, metadata: { ...req.metadata } });
  const data: GetBulkSecretResponsePb['data'] = {};
  for (const [key, secret] of Object.entries(all ?? {})) data[key] = { secrets: { ...secret } };
  return { data };
}

export const handlers: HandlerModule = { unary: { GetSecret: getSecret, GetBulkSecret: getBulkSecret } };

/**
 * @module api/grpc/bindings
 * Output bindings over gRPC: InvokeBinding, a thin adapter over api/universal/bindings.ts. `data`
 * reaches the component as sent (no JSON re-encoding, unlike HTTP), and as daprd does the call's
 * own gRPC metadata joins the request metadata (without overriding it; `-bin` entries left out,
 * `grpc-*` keys renamed `dapr-*`). The answer carries the component's data and metadata, the
 * metadata also as `metadata.<k>` response header metadata (on success only: an error answer has
 * no header metadata here).
 */
import type { Metadata } from '@grpc/grpc-js';
import { invokeOutputBinding, metadataHeaders } from '../universal/bindings';
import type { GrpcCall, GrpcDeps, HandlerModule } from './call';

interface InvokeBindingRequestPb {
  name: string;
  data: Buffer;
  metadata: Record<string, string>;
  operation: string;
}

interface InvokeBindingResponsePb {
  data: Buffer;
  metadata: Record<string, string>;
}

/** daprd ReservedGRPCMetadataToDaprPrefixHeader: reserved gRPC names get the `dapr-` prefix. */
function sanitizedKey(key: string): string {
  if (key.startsWith(':')) return `dapr-${key.slice(1)}`;
  if (key.startsWith('grpc-')) return `dapr-${key.slice(5)}`;
  return key;
}

/** The request metadata plus the call's string metadata (first value of each key), request entries first. */
export function bindingMetadata(request: Record<string, string>, incoming: Metadata): Record<string, string> {
  const out: Record<string, string> = { ...request };
  for (const [key, value] of Object.entries(incoming.getMap())) {
    if (key.endsWith('-bin') || typeof value !== 'string') continue;
    const k = sanitizedKey(key);
    if (!(k in out)) out[k] = value;
  }
  return out;
}

/**
 * daprd also sends each response metadata entry as `metadata.<k>` header metadata (lower-cased, as
 * gRPC names are); entries that cannot be gRPC metadata are left out.
 */
function addHeaderMetadata(md: Metadata, metadata: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(metadataHeaders(metadata) ?? {})) {
    const key = k.toLowerCase();
    if (/^[0-9a-z_.-]+$/.test(key) && !key.endsWith('-bin') && /^[ -~]*$/.test(v)) md.set(key, v);
  }
}

async function invokeBinding(deps: GrpcDeps, call: GrpcCall<InvokeBindingRequestPb>): Promise<InvokeBindingResponsePb> {
  const req = call.request;
  const metadata = bindingMetadata(req.metadata ?? {}, call.metadata);
  const baggage = call.metadata.get('baggage').filter((v): v is string => typeof v === 'string');
  const result = await invokeOutputBinding(deps.universal(), {
    name: req.name,
    operation: req.operation,
    data: req.data ?? Buffer.alloc(0),
    metadata,
    traceparent: call.trace.traceparent,
    tracestate: call.trace.tracestate,
    baggage: baggage.length > 0 ? baggage.join(',') : undefined,
  });
  addHeaderMetadata(call.responseMetadata, result?.metadata);
  return { data: result?.data ?? Buffer.alloc(0), metadata: { ...result?.metadata } };
}

export const handlers: HandlerModule = { unary: { InvokeBinding: invokeBinding } };

/**
 * @module api/universal/bindings
 * Output bindings, transport-neutral (daprd's onOutputBindingMessage): the binding by name (only
 * bindings whose `direction` setting, parsed at init, includes output), the operation check, the
 * trace context added to the metadata, the binding's outbound resiliency policy (daprd's
 * SendToOutputBinding) and Dapr error construction. Every failure is one
 * ERR_INVOKE_OUTPUT_BINDING, as daprd words it.
 */
import type { OutputBinding } from '../../components/bindings/contract';
import { bindingSides } from '../../bindings/direction';
import { bindingErrors } from '../../errors/bindings';
import { isHeaderName, isHeaderValue } from '../../http-syntax';
import { ensureTraceparent } from '../../invoke/trace';
import type { UniversalContext } from './context';
import { outboundRunner, permanentComponentErrors, runOutbound } from './resilient';

export interface InvokeOutputBindingRequest {
  name: string;
  operation: string;
  /** The bytes the component gets (the HTTP adapter re-serialises the JSON `data` as Go would). */
  data: Buffer;
  metadata: Record<string, string>;
  /** Trace context as received; an absent or invalid traceparent gets a fresh one. */
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
}

/** The component's answer; undefined when it has neither data nor metadata. */
export interface InvokeOutputBindingResult {
  data?: Buffer;
  metadata?: Record<string, string>;
}

/** The output binding by name, or undefined when it is unknown, not a binding, or input-only. */
export function findOutputBinding(u: UniversalContext, name: string): OutputBinding | undefined {
  const found = u.store.lookup<OutputBinding>('bindings', name);
  if (!found.ok) return undefined;
  const { manifest, instance, settings } = found.component;
  return bindingSides(manifest, instance, settings.bindings).output ? instance : undefined;
}

/** One `metadata.<k>` header per metadata entry (entries that cannot be a header are left out). */
export function metadataHeaders(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!metadata) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v === 'string' && isHeaderName(k) && isHeaderValue(v)) headers[`metadata.${k}`] = v;
  }
  return headers;
}

export async function invokeOutputBinding(u: UniversalContext, req: InvokeOutputBindingRequest): Promise<InvokeOutputBindingResult | undefined> {
  const { name } = req;
  const metadata: Record<string, string> = { ...req.metadata, traceparent: ensureTraceparent(req.traceparent) };
  if (req.tracestate) metadata.tracestate = req.tracestate;
  if (req.baggage) metadata.baggage = req.baggage;
  if (req.operation === '') throw bindingErrors.invoke(name, bindingErrors.missingOperation());
  const binding = findOutputBinding(u, name);
  if (!binding) throw bindingErrors.invoke(name, bindingErrors.notFound(name));
  const operations = binding.operations();
  if (!operations.includes(req.operation)) throw bindingErrors.invoke(name, bindingErrors.unsupportedOperation(name, req.operation, operations));
  let result;
  try {
    const call = { operation: req.operation, data: req.data, metadata };
    result = await runOutbound(outboundRunner(u, name, 'bindings'), () => binding.invoke(call), { errorStatus: permanentComponentErrors });
  } catch (err) {
    const meta = (err as { metadata?: Record<string, string> } | undefined)?.metadata;
    // The component's error metadata goes out as `metadata.<k>` headers on the error answer.
    throw bindingErrors.invoke(name, err, metadataHeaders(meta));
  }
  const hasMetadata = result?.metadata !== undefined && Object.keys(result.metadata).length > 0;
  if (!result || (result.data === undefined && !hasMetadata)) return undefined;
  const out: InvokeOutputBindingResult = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.metadata !== undefined) out.metadata = result.metadata;
  return out;
}

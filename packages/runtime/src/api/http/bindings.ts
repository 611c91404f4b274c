/**
 * @module api/http/bindings
 * Output bindings: `POST|PUT /v1.0/bindings/{name}` (daprd's onOutputBindingMessage). The body is
 * JSON whatever its content type: `{data, metadata, operation}`. `data` reaches the component
 * re-serialised as Go would (bindings/go-json.ts), the trace context (and baggage) is added to the metadata, and
 * the answer is 204 (no result) or 200 with the bytes and one `metadata.<k>` header per entry.
 */
import type { OutputBinding } from '../../components/bindings/contract';
import { bindingSides } from '../../bindings/direction';
import { goMarshal } from '../../bindings/go-json';
import { bindingErrors } from '../../errors/bindings';
import { isHeaderName, isHeaderValue } from '../../invoke/app-call';
import { ensureTraceparent } from '../../invoke/trace';
import { goField } from '../../json/go-fields';
import { jsonTooDeep, tooDeepMessage } from '../../json/depth';
import { readBody } from '../../server/body';
import type { AppDeps } from '../../server/deps';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { respondEmpty, respondRaw } from '../../server/respond';

export interface OutputBindingRequest {
  data: unknown;
  metadata: Record<string, string>;
  operation: string;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Decodes the body the way Go decodes it into daprd's request struct: field names case-insensitive
 * (`Operation`, `DATA`), type mismatches are errors, metadata keys kept as sent.
 */
export function parseOutputRequest(raw: Buffer): OutputBindingRequest {
  const text = raw.toString('utf8');
  if (jsonTooDeep(text)) throw bindingErrors.malformedRequest(tooDeepMessage());
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const detail = raw.length === 0 ? 'unexpected end of JSON input' : (err as Error).message;
    throw bindingErrors.malformedRequest(detail, err);
  }
  if (parsed === null) return { data: null, metadata: {}, operation: '' };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw bindingErrors.malformedRequest(`the body must be a JSON object with data, metadata and operation, got ${typeName(parsed)}`);
  }
  const body = parsed as Record<string, unknown>;
  const operation = goField(body, 'operation') ?? '';
  if (typeof operation !== 'string') throw bindingErrors.malformedRequest(`field "operation" must be a string, got ${typeName(operation)}`);
  const metadata: Record<string, string> = {};
  const rawMeta = goField(body, 'metadata');
  if (rawMeta !== undefined && rawMeta !== null) {
    if (typeof rawMeta !== 'object' || Array.isArray(rawMeta)) {
      throw bindingErrors.malformedRequest(`field "metadata" must be an object of strings, got ${typeName(rawMeta)}`);
    }
    for (const [k, v] of Object.entries(rawMeta as Record<string, unknown>)) {
      if (typeof v !== 'string') throw bindingErrors.malformedRequest(`field "metadata.${k}" must be a string, got ${typeName(v)}`);
      metadata[k] = v;
    }
  }
  return { data: goField(body, 'data') ?? null, metadata, operation };
}

/** The output binding by name, or undefined when it is unknown, not a binding, or input-only. */
export function findOutputBinding(deps: AppDeps, name: string): OutputBinding | undefined {
  const found = deps.store.lookup<OutputBinding>('bindings', name);
  if (!found.ok) return undefined;
  const { manifest, instance } = found.component;
  return bindingSides(manifest, instance).output ? instance : undefined;
}

/** One `metadata.<k>` header per response metadata entry (entries that cannot be a header are left out). */
export function metadataHeaders(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!metadata) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v === 'string' && isHeaderName(k) && isHeaderValue(v)) headers[`metadata.${k}`] = v;
  }
  return headers;
}

async function invokeOutputBinding(ctx: RequestContext): Promise<void> {
  const name = ctx.params.name ?? '';
  const req = parseOutputRequest(await readBody(ctx.req, ctx.deps.options.maxBodySize));
  req.metadata.traceparent = ensureTraceparent(ctx.req.headers.traceparent);
  const tracestate = ctx.req.headers.tracestate;
  if (typeof tracestate === 'string' && tracestate !== '') req.metadata.tracestate = tracestate;
  const baggage = ctx.req.headers.baggage;
  if (typeof baggage === 'string' && baggage !== '') req.metadata.baggage = baggage;
  if (req.operation === '') throw bindingErrors.invoke(name, bindingErrors.missingOperation());
  const binding = findOutputBinding(ctx.deps, name);
  if (!binding) throw bindingErrors.invoke(name, bindingErrors.notFound(name));
  const operations = binding.operations();
  if (!operations.includes(req.operation)) throw bindingErrors.invoke(name, bindingErrors.unsupportedOperation(name, req.operation, operations));
  let result;
  try {
    result = await binding.invoke({ operation: req.operation, data: Buffer.from(goMarshal(req.data)), metadata: req.metadata });
  } catch (err) {
    const meta = (err as { metadata?: Record<string, string> } | undefined)?.metadata;
    throw bindingErrors.invoke(name, err, metadataHeaders(meta));
  }
  const hasMetadata = result?.metadata !== undefined && Object.keys(result.metadata).length > 0;
  if (!result || (result.data === undefined && !hasMetadata)) {
    respondEmpty(ctx.res);
    return;
  }
  respondRaw(ctx.res, 200, result.data ?? Buffer.alloc(0), metadataHeaders(result.metadata));
}

export function bindingsEndpoints(): Endpoint[] {
  return [{ name: 'InvokeBinding', group: 'bindings', methods: ['POST', 'PUT'], route: '/v1.0/bindings/:name', handler: invokeOutputBinding }];
}

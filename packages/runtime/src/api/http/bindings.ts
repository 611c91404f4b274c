/**
 * @module api/http/bindings
 * Output bindings over HTTP: `POST|PUT /v1.0/bindings/{name}`, a thin adapter over
 * api/universal/bindings.ts. The body is JSON whatever its content type: `{data, metadata,
 * operation}`. `data` reaches the component re-serialised as Go would (json/go-json.ts), the
 * trace headers (and baggage) go to the operation, and the answer is 204 (no result) or 200 with the
 * bytes and one `metadata.<k>` header per entry.
 */
import { goMarshal } from '../../json/go-json';
import { bindingErrors } from '../../errors/bindings';
import { goField } from '../../json/go-fields';
import { jsonTooDeep, tooDeepMessage } from '../../json/depth';
import { readBody } from '../../server/body';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { respondEmpty, respondRaw } from '../../server/respond';
import { invokeOutputBinding as invoke, metadataHeaders } from '../universal/bindings';
import { universalOf } from './context';

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

function headerString(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function invokeOutputBinding(ctx: RequestContext): Promise<void> {
  const req = parseOutputRequest(await readBody(ctx.req, ctx.deps.options.maxBodySize));
  const result = await invoke(universalOf(ctx.deps), {
    name: ctx.params.name ?? '',
    operation: req.operation,
    data: Buffer.from(goMarshal(req.data)),
    metadata: req.metadata,
    traceparent: headerString(ctx.req.headers.traceparent),
    tracestate: headerString(ctx.req.headers.tracestate),
    baggage: headerString(ctx.req.headers.baggage),
  });
  if (!result) {
    respondEmpty(ctx.res);
    return;
  }
  respondRaw(ctx.res, 200, result.data ?? Buffer.alloc(0), metadataHeaders(result.metadata));
}

export function bindingsEndpoints(): Endpoint[] {
  return [{ name: 'InvokeBinding', group: 'bindings', methods: ['POST', 'PUT'], route: '/v1.0/bindings/:name', handler: invokeOutputBinding }];
}

/**
 * @module collector/zipkin-api
 * Zipkin API v2 as an endpoint table: span ingest (JSON and proto3) and the query endpoints the
 * Zipkin UI and tools use, with Zipkin's parameter names, defaults and status codes.
 * https://github.com/openzipkin/zipkin-api/blob/master/zipkin2-api.yaml
 */
import { HttpError, json, type Endpoint, type RequestContext } from './http-kit';
import { normalizeTraceId, SpanValidationError } from './normalize';
import { DEFAULT_LOOKBACK_MS } from './trace-query';
import type { SpanStore } from './types';
import { decodeZipkinProto } from './zipkin-proto';

function param(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.url.searchParams.get(name);
  return v === null || v.trim() === '' ? undefined : v.trim();
}

function requiredParam(ctx: RequestContext, name: string): string {
  const v = param(ctx, name);
  if (v === undefined) throw new HttpError(400, `Required parameter '${name}' is missing`);
  return v;
}

function intParam(ctx: RequestContext, name: string): number | undefined {
  const v = param(ctx, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new HttpError(400, `${name} must be an integer: ${v}`);
  return Number(v);
}

function mediaType(ctx: RequestContext): string {
  return (ctx.req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

async function postSpans(store: SpanStore, ctx: RequestContext): Promise<{ status: number }> {
  const type = mediaType(ctx);
  const body = await ctx.body();
  let spans: unknown;
  if (type === 'application/x-protobuf' || type === 'application/protobuf') {
    spans = decodeZipkinProto(body);
  } else if (type === 'application/json' || type === '') {
    try {
      spans = body.length === 0 ? [] : JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new SpanValidationError(`malformed JSON: ${(err as Error).message}`);
    }
  } else {
    throw new HttpError(415, `unsupported Content-Type ${type}: send application/json (Zipkin v2) or application/x-protobuf (Zipkin proto3)`);
  }
  store.add(spans as never);
  return { status: 202 };
}

/** The Zipkin v2 endpoints served on the Zipkin port. */
export function zipkinEndpoints(store: SpanStore): Endpoint[] {
  return [
    { name: 'PostSpans', method: 'POST', route: '/api/v2/spans', handler: (ctx) => postSpans(store, ctx) },
    { name: 'GetServices', method: 'GET', route: '/api/v2/services', handler: () => json(store.services()) },
    { name: 'GetSpanNames', method: 'GET', route: '/api/v2/spans', handler: (ctx) => json(store.spanNames(requiredParam(ctx, 'serviceName'))) },
    {
      name: 'GetRemoteServices', method: 'GET', route: '/api/v2/remoteServices',
      handler: (ctx) => json(store.remoteServices(requiredParam(ctx, 'serviceName'))),
    },
    {
      name: 'GetTraces', method: 'GET', route: '/api/v2/traces',
      handler: (ctx) => json(store.traces({
        serviceName: param(ctx, 'serviceName'),
        remoteServiceName: param(ctx, 'remoteServiceName'),
        spanName: param(ctx, 'spanName'),
        annotationQuery: param(ctx, 'annotationQuery'),
        minDuration: intParam(ctx, 'minDuration'),
        maxDuration: intParam(ctx, 'maxDuration'),
        endTs: intParam(ctx, 'endTs'),
        lookback: intParam(ctx, 'lookback'),
        limit: intParam(ctx, 'limit'),
      })),
    },
    {
      name: 'GetTrace', method: 'GET', route: '/api/v2/trace/:traceId',
      handler: (ctx) => {
        const id = ctx.params.traceId!;
        const spans = store.trace(normalizeTraceId(id));
        return spans ? json(spans) : { status: 404, body: `${id} not found` };
      },
    },
    {
      name: 'GetTraceMany', method: 'GET', route: '/api/v2/traceMany',
      handler: (ctx) => {
        const ids = requiredParam(ctx, 'traceIds').split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (ids.length === 0) throw new HttpError(400, 'traceIds parameter is empty');
        const unique = [...new Set(ids.map((id) => normalizeTraceId(id).slice(-16)))];
        return json(unique.map((id) => store.trace(id)).filter((t) => t !== undefined));
      },
    },
    {
      name: 'GetDependencies', method: 'GET', route: '/api/v2/dependencies',
      handler: (ctx) => {
        const endTs = intParam(ctx, 'endTs');
        if (endTs === undefined) throw new HttpError(400, "Required parameter 'endTs' is missing");
        const lookback = intParam(ctx, 'lookback') ?? DEFAULT_LOOKBACK_MS;
        if (endTs <= 0) throw new HttpError(400, 'endTs <= 0');
        if (lookback <= 0) throw new HttpError(400, 'lookback <= 0');
        return json(store.dependencies(endTs, lookback));
      },
    },
    // No autocomplete keys are configured (Zipkin's AUTOCOMPLETE_KEYS is empty by default).
    { name: 'GetAutocompleteKeys', method: 'GET', route: '/api/v2/autocompleteKeys', handler: () => json([]) },
    { name: 'GetAutocompleteValues', method: 'GET', route: '/api/v2/autocompleteValues', handler: (ctx) => (requiredParam(ctx, 'key'), json([])) },
    {
      name: 'Health', method: 'GET', route: '/health',
      handler: () => json({ status: 'UP', zipkin: { status: 'UP', details: { SqliteSpanStore: { status: 'UP' } } } }),
    },
  ];
}

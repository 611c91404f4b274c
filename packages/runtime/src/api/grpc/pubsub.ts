/**
 * @module api/grpc/pubsub
 * The publish side of pub/sub over gRPC: PublishEvent, BulkPublishEvent and its deprecated alias
 * BulkPublishEventAlpha1. A thin adapter over api/universal/pubsub.ts (scoping, CloudEvent envelope
 * with `rawPayload` and `cloudevent.*` metadata, errors): `data` + `dataContentType` are the HTTP
 * body + Content-Type, the call's trace context goes into the envelope. A bulk publish where some
 * entries fail answers OK with those entries in `failedEntries` (only a failed check is an error).
 */
import { DAPR_SERVICE } from './proto';
import type { TraceSpan } from '../../tracing/tracer';
import * as pubsub from '../universal/pubsub';
import type { GrpcCall, GrpcDeps, HandlerModule } from './call';

type Empty = Record<string, never>;

interface PublishEventRequestPb {
  pubsubName: string;
  topic: string;
  data: Buffer;
  dataContentType: string;
  metadata: Record<string, string>;
}

interface BulkPublishRequestPb {
  pubsubName: string;
  topic: string;
  entries: Array<{ entryId: string; event: Buffer; contentType: string; metadata: Record<string, string> }>;
  metadata: Record<string, string>;
}

interface BulkPublishResponsePb {
  failedEntries: Array<{ entryId: string; error: string }>;
}

async function publishEvent(deps: GrpcDeps, call: GrpcCall<PublishEventRequestPb>): Promise<Empty> {
  const req = call.request;
  const t = pubsub.publishTarget(deps.universal(), req.pubsubName, req.topic, { ...req.metadata });
  await pubsub.publish(t, {
    data: req.data ?? Buffer.alloc(0),
    contentType: req.dataContentType || undefined,
    traceparent: call.trace.traceparent,
    tracestate: call.trace.tracestate,
  });
  return {};
}

/** daprd: every entry needs an id of its own (ERR_PUBSUB_EVENTS_SER, before anything is published). */
function entriesOf(req: BulkPublishRequestPb, t: pubsub.PublishTarget): pubsub.BulkPublishEntry[] {
  const ids = new Set<string>();
  return (req.entries ?? []).map((e) => {
    if (e.entryId === '' || ids.has(e.entryId)) throw t.errors.events('entryId is duplicated or not present for entry');
    ids.add(e.entryId);
    return { entryId: e.entryId, event: e.event ?? Buffer.alloc(0), contentType: e.contentType ?? '', metadata: { ...e.metadata } };
  });
}

/**
 * With tracing on: one PRODUCER span per CloudEvent entry (daprd names it after the RPC path with a
 * trailing slash), a child of the API call's span, ended once the call's outcome is known.
 */
function entrySpans(deps: GrpcDeps, rpc: string, call: GrpcCall<unknown>): { start?: () => TraceSpan; end(err?: unknown): void } {
  const tracing = deps.tracing();
  if (!tracing) return { end: () => {} };
  const started: TraceSpan[] = [];
  const name = `/${DAPR_SERVICE}/${rpc}/`;
  return {
    start: () => {
      const span = tracing.start(name, 'PRODUCER', call.trace.traceparent, call.trace.tracestate);
      started.push(span);
      return span;
    },
    end: (err) => {
      for (const s of started) s.end(err === undefined ? 200 : 500, err === undefined ? undefined : err instanceof Error ? err.message : String(err));
    },
  };
}

function bulkPublish(rpc: string) {
  return async (deps: GrpcDeps, call: GrpcCall<BulkPublishRequestPb>): Promise<BulkPublishResponsePb> => {
    const req = call.request;
    const t = pubsub.publishTarget(deps.universal(), req.pubsubName, req.topic, { ...req.metadata });
    const entries = entriesOf(req, t);
    const spans = entrySpans(deps, rpc, call);
    try {
      const { failedEntries } = await pubsub.bulkPublish(t, { entries, traceparent: call.trace.traceparent, tracestate: call.trace.tracestate, entrySpan: spans.start });
      spans.end();
      return { failedEntries };
    } catch (err) {
      spans.end(err);
      throw err;
    }
  };
}

export const handlers: HandlerModule = {
  unary: {
    PublishEvent: publishEvent,
    BulkPublishEvent: bulkPublish('BulkPublishEvent'),
    BulkPublishEventAlpha1: bulkPublish('BulkPublishEventAlpha1'),
  },
};

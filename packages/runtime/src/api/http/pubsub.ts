/**
 * @module api/http/pubsub
 * The publish side of pub/sub over HTTP: `POST|PUT /v1.0/publish/{pubsubname}/{topic...}`
 * (PublishEvent) and bulk publish under `/v1.0-alpha1/publish/bulk/…` and `/v1.0/publish/bulk/…`
 * (BulkPublishEvent). A thin adapter over api/universal/pubsub.ts (scoping, CloudEvent envelope,
 * errors): it decodes the path parameters, `metadata.*` query parameters, trace headers and the
 * bulk body, and writes the answer.
 */
import { errText, type PubsubErrors } from '../../errors/pubsub';
import { asObject, goField, goFieldKey } from '../../json/go-fields';
import { CLOUDEVENT_CONTENT_TYPE, arrayElements, mediaType, topLevelMembers } from '../../pubsub/cloudevent';
import { jsonTooDeep, tooDeepMessage } from '../../json/depth';
import { readBody } from '../../server/body';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { queryMetadata } from '../../server/endpoints';
import { respondEmpty, respondJSON } from '../../server/respond';
import type { TraceSpan } from '../../tracing/tracer';
import * as pubsub from '../universal/pubsub';
import { universalOf } from './context';

/** The target from the router's parameters (read from the path as sent: `//` before a topic leaves the name empty). */
function target(ctx: RequestContext): pubsub.PublishTarget {
  return pubsub.publishTarget(universalOf(ctx.deps), ctx.params.pubsubname ?? '', ctx.params.topic ?? '', queryMetadata(ctx.rawQuery));
}

function headerString(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function publishEvent(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  const data = await readBody(ctx.req, ctx.deps.options.maxBodySize);
  await pubsub.publish(t, {
    data,
    contentType: headerString(ctx.req.headers['content-type']),
    traceparent: headerString(ctx.req.headers.traceparent),
    tracestate: headerString(ctx.req.headers.tracestate),
  });
  respondEmpty(ctx.res);
}

/**
 * components-contrib ConvertEventToBytes: the `event` must match its `contentType`. JSON events use
 * their source text when given (`rawEvent`) so big integers survive; a string is an error message.
 */
export function eventBytes(event: unknown, contentType: string, rawEvent?: string): Buffer | string {
  const type = mediaType(contentType);
  if (type === 'application/octet-stream') {
    if (typeof event !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(event) || event.length % 4 !== 0) return 'error decoding base64 data';
    return Buffer.from(event, 'base64');
  }
  if (type.startsWith('text/') || type === 'application/xml') {
    return typeof event === 'string' ? Buffer.from(event) : 'error converting event to bytes, only string and []byte supported';
  }
  if (type === 'application/json' || type === CLOUDEVENT_CONTENT_TYPE) return Buffer.from(rawEvent ?? JSON.stringify(event ?? null));
  return 'the content type does not match the event';
}

function parseBulk(raw: Buffer, errors: PubsubErrors): pubsub.BulkPublishEntry[] {
  const text = raw.toString('utf8');
  if (jsonTooDeep(text)) throw errors.events(`failed to parse the request body: ${tooDeepMessage()}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw errors.events(`failed to parse the request body: ${errText(err)}`, err);
  }
  if (!Array.isArray(parsed)) throw errors.events('the request body must be a JSON array of entries');
  const sources = arrayElements(text);
  const ids = new Set<string>();
  return parsed.map((item: unknown, i) => {
    // Entries are Go structs: `entryID` (what the JS SDK sends) is `entryId`; metadata keys stay as sent.
    const e = asObject(item);
    if (!e) throw errors.events(`entry ${i} is not an object`);
    const entryId = goField(e, 'entryId');
    if (typeof entryId !== 'string' || entryId === '') throw errors.events(`entryId is duplicated or not present for entry ${i}`);
    if (ids.has(entryId)) throw errors.events(`entryId is duplicated or not present for entry ${entryId}`);
    ids.add(entryId);
    const rawType = goField(e, 'contentType');
    const contentType = typeof rawType === 'string' ? rawType : '';
    const eventKey = goFieldKey(e, 'event');
    const event = eventKey === undefined ? undefined : e[eventKey];
    const body = eventBytes(event, contentType, eventKey === undefined ? undefined : topLevelMembers(sources[i] as string).get(eventKey));
    if (typeof body === 'string') throw errors.events(`entry ${entryId}: ${body}`);
    const metadata: Record<string, string> = {};
    const rawMeta = goField(e, 'metadata');
    if (rawMeta !== undefined && rawMeta !== null) {
      const meta = asObject(rawMeta);
      if (!meta) throw errors.events(`entry ${entryId}: metadata must be an object`);
      for (const [k, v] of Object.entries(meta)) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return { entryId, event: body, contentType, metadata };
  });
}

/**
 * With tracing on, what starts the span of each CloudEvent entry (daprd's
 * StartProducerSpanChildFromParent): named after the request path, PRODUCER, a child of the API
 * call's span (whose context the request's trace headers hold by now), ended with the answer's
 * status once the response is sent, whatever the path out (success, failed entries, an error).
 */
function entrySpans(ctx: RequestContext, traceparent: string | undefined, tracestate: string | undefined): (() => TraceSpan) | undefined {
  const tracing = ctx.deps.tracing;
  if (!tracing) return undefined;
  const started: TraceSpan[] = [];
  return () => {
    if (started.length === 0) ctx.res.once('close', () => started.forEach((s) => s.end(ctx.res.statusCode)));
    const span = tracing.start(ctx.path, 'PRODUCER', traceparent, tracestate);
    started.push(span);
    return span;
  };
}

async function bulkPublishEvent(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  const entries = parseBulk(await readBody(ctx.req, ctx.deps.options.maxBodySize), t.errors);
  const traceparent = headerString(ctx.req.headers.traceparent);
  const tracestate = headerString(ctx.req.headers.tracestate);
  const { failedEntries } = await pubsub.bulkPublish(t, { entries, traceparent, tracestate, entrySpan: entrySpans(ctx, traceparent, tracestate) });
  if (failedEntries.length === 0) {
    respondEmpty(ctx.res);
    return;
  }
  respondJSON(ctx.res, 500, { failedEntries, errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE' });
}

export function pubsubEndpoints(): Endpoint[] {
  const methods = ['POST', 'PUT'] as const;
  const ep = (name: string, route: string, handler: Endpoint['handler']): Endpoint => ({ name, group: 'publish', methods, route, handler, paramsAsSent: true });
  // The routes without a topic exist so that an empty topic (or `//` before it) gets pub/sub errors.
  return [
    ep('PublishEvent', '/v1.0/publish/:pubsubname/*topic', publishEvent),
    ep('PublishEventNoTopic', '/v1.0/publish/:pubsubname', publishEvent),
    ep('BulkPublishEventAlpha1', '/v1.0-alpha1/publish/bulk/:pubsubname/*topic', bulkPublishEvent),
    ep('BulkPublishEventAlpha1NoTopic', '/v1.0-alpha1/publish/bulk/:pubsubname', bulkPublishEvent),
    ep('BulkPublishEvent', '/v1.0/publish/bulk/:pubsubname/*topic', bulkPublishEvent),
    ep('BulkPublishEventNoTopic', '/v1.0/publish/bulk/:pubsubname', bulkPublishEvent),
  ];
}

/**
 * @module api/http/pubsub
 * The publish side of pub/sub: `POST|PUT /v1.0/publish/{pubsubname}/{topic...}` (PublishEvent) and
 * bulk publish under `/v1.0-alpha1/publish/bulk/…` and `/v1.0/publish/bulk/…` (BulkPublishEvent).
 * Bodies are wrapped in a CloudEvent (pubsub/cloudevent.ts) unless `metadata.rawPayload=true`;
 * component scoping (`publishingScopes`, `allowedTopics`, `protectedTopics`) is enforced here.
 */
import type { PubSub } from '../../components/pubsub/contract';
import type { ComponentManifest } from '../../components/types';
import { pubsubErrors, errText, type PubsubErrors } from '../../errors/pubsub';
import { ensureTraceparent } from '../../invoke/trace';
import { asObject, goField, goFieldKey } from '../../json/go-fields';
import { CLOUDEVENT_CONTENT_TYPE, arrayElements, buildEnvelope, mediaType, topLevelMembers } from '../../pubsub/cloudevent';
import { jsonTooDeep, tooDeepMessage } from '../../json/depth';
import { readBody } from '../../server/body';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { queryMetadata } from '../../server/endpoints';
import { respondEmpty, respondJSON } from '../../server/respond';
import { unescapeParam } from '../../server/router';

interface Target {
  pubsubName: string;
  topic: string;
  pubsub: PubSub;
  errors: PubsubErrors;
  metadata: Record<string, string>;
}

/**
 * Pub/sub name and topic from the path as sent: the cleaned path collapses `//`, which would turn
 * `/v1.0/publish//orders` into a publish to pub/sub `orders`. `prefix` = literal segments before the name.
 */
export function splitPublishPath(rawPath: string, cleanedPath: string, prefix: number): { pubsubName: string; topic: string } {
  const dotted = /(^|\/)\.\.?(\/|$)/.test(rawPath);
  const segs = (dotted ? cleanedPath : rawPath).split('/');
  let i = 0;
  for (let seen = 0; i < segs.length && seen < prefix; i++) if (segs[i] !== '') seen++;
  const rest = segs.slice(i);
  return {
    pubsubName: unescapeParam(rest[0] ?? ''),
    topic: rest.slice(1).filter((s) => s !== '').map(unescapeParam).join('/'),
  };
}

/** Dapr's scoped-topic list for this app in `app1=t1,t2;app2=`: undefined when the app is not listed. */
export function scopedTopics(value: string | undefined, appId: string): string[] | undefined {
  if (!value) return undefined;
  let topics: string[] | undefined;
  for (const entry of value.replace(/ /g, '').split(';')) {
    const [app, list] = entry.split('=');
    if (app !== appId) continue;
    topics ??= [];
    // `app2=` yields one empty topic: listed with nothing allowed.
    topics.push(...(list ?? '').split(','));
  }
  return topics;
}

function csv(value: string | undefined): string[] {
  return value ? value.replace(/ /g, '').split(',').filter((t) => t !== '') : [];
}

/** Dapr's IsOperationAllowed for publishing: allowedTopics, then protectedTopics, then publishingScopes. */
export function isPublishAllowed(manifest: ComponentManifest, appId: string, topic: string): boolean {
  const meta = (name: string): string | undefined => manifest.metadata.find((m) => m.name.toLowerCase() === name.toLowerCase())?.value;
  const allowed = csv(meta('allowedTopics'));
  if (allowed.length > 0 && !allowed.includes(topic)) return false;
  const scoped = scopedTopics(meta('publishingScopes'), appId) ?? [];
  const isProtected = csv(meta('protectedTopics')).includes(topic);
  if (!isProtected && scoped.length === 0) return true;
  return scoped.includes(topic);
}

function resolveTarget(ctx: RequestContext, prefix: number): Target {
  const metadata = queryMetadata(ctx.rawQuery);
  const { pubsubName, topic } = splitPublishPath(ctx.rawPath, ctx.path, prefix);
  const errors = pubsubErrors(pubsubName, metadata);
  const found = ctx.deps.store.lookup<PubSub>('pubsub', pubsubName);
  if (!found.ok && found.reason === 'not-configured') throw errors.notConfigured();
  if (pubsubName === '') throw errors.nameEmpty();
  if (!found.ok) throw errors.notFound();
  if (topic === '') throw errors.topicEmpty();
  const appId = ctx.deps.options.appId;
  if (!isPublishAllowed(found.component.manifest, appId, topic)) throw errors.forbidden(topic, appId);
  return { pubsubName, topic, pubsub: found.component.instance, errors, metadata };
}

function headerString(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function publishEvent(ctx: RequestContext): Promise<void> {
  const t = resolveTarget(ctx, 2);
  const body = await readBody(ctx.req, ctx.deps.options.maxBodySize);
  const envelope = buildEnvelope({
    appId: ctx.deps.options.appId,
    pubsubName: t.pubsubName,
    topic: t.topic,
    body,
    contentType: headerString(ctx.req.headers['content-type']),
    traceparent: ensureTraceparent(ctx.req.headers.traceparent),
    tracestate: headerString(ctx.req.headers.tracestate),
    metadata: t.metadata,
    features: t.pubsub.features(),
  });
  try {
    await t.pubsub.publish({ topic: t.topic, data: envelope.data, contentType: envelope.contentType, metadata: t.metadata });
  } catch (err) {
    throw t.errors.publish(t.topic, err);
  }
  respondEmpty(ctx.res);
}

interface BulkEntry {
  entryId: string;
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
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

function parseBulk(raw: Buffer, errors: PubsubErrors): BulkEntry[] {
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
    return { entryId, body, contentType, metadata };
  });
}

async function bulkPublishEvent(ctx: RequestContext): Promise<void> {
  const t = resolveTarget(ctx, 3);
  const entries = parseBulk(await readBody(ctx.req, ctx.deps.options.maxBodySize), t.errors);
  const traceparent = ensureTraceparent(ctx.req.headers.traceparent);
  const tracestate = headerString(ctx.req.headers.tracestate);
  const features = t.pubsub.features();
  const prepared = entries.map((e) => {
    const metadata = { ...t.metadata, ...e.metadata };
    const envelope = buildEnvelope({
      appId: ctx.deps.options.appId,
      pubsubName: t.pubsubName,
      topic: t.topic,
      body: e.body,
      contentType: e.contentType,
      traceparent,
      tracestate,
      metadata,
      features,
    });
    return { entryId: e.entryId, envelope, metadata };
  });
  const results = await Promise.allSettled(
    prepared.map((p) => t.pubsub.publish({ topic: t.topic, data: p.envelope.data, contentType: p.envelope.contentType, metadata: p.metadata })),
  );
  const failedEntries = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ entryId: (prepared[i] as { entryId: string }).entryId, error: t.errors.publish(t.topic, r.reason).message }] : [],
  );
  if (failedEntries.length === 0) {
    respondEmpty(ctx.res);
    return;
  }
  respondJSON(ctx.res, 500, { failedEntries, errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE' });
}

export function pubsubEndpoints(): Endpoint[] {
  const methods = ['POST', 'PUT'] as const;
  const ep = (name: string, route: string, handler: Endpoint['handler']): Endpoint => ({ name, group: 'publish', methods, route, handler });
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

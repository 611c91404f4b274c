/**
 * @module api/universal/pubsub
 * The publish side of pub/sub, transport-neutral: pub/sub lookup, topic scoping from the settings
 * parsed at init (`allowedTopics`, `protectedTopics`, `publishingScopes`), the CloudEvent envelope
 * (pubsub/cloudevent.ts, skipped for `metadata.rawPayload=true`), the pub/sub's outbound resiliency
 * policy (daprd's publisher) and Dapr error construction.
 *
 * Operations take a PublishTarget from publishTarget() so that an adapter can check the pub/sub and
 * the topic before it reads the body (daprd answers a missing pub/sub before a malformed body).
 */
import type { PubSub } from '../../components/pubsub/contract';
import type { PubsubSettings } from '../../components/settings';
import { pubsubErrors, type PubsubErrors } from '../../errors/pubsub';
import { ensureTraceparent } from '../../invoke/trace';
import { buildEnvelope, rawPayloadOf } from '../../pubsub/cloudevent';
import { isResiliencyError } from '../../resiliency/errors';
import type { PolicyRunner } from '../../resiliency/runner';
import type { UniversalContext } from './context';
import { outboundRunner, runOutbound } from './resilient';

export interface PublishTarget {
  appId: string;
  pubsubName: string;
  topic: string;
  pubsub: PubSub;
  errors: PubsubErrors;
  /** The request's metadata (also the ErrorInfo metadata of every error). */
  metadata: Record<string, string>;
  /** The pub/sub's outbound resiliency policy. */
  runner: PolicyRunner;
}

/** Trace context as received; an absent or invalid traceparent gets a fresh one. */
export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
}

export interface PublishRequest extends TraceContext {
  data: Buffer;
  contentType?: string;
}

export interface BulkPublishEntry {
  entryId: string;
  event: Buffer;
  contentType: string;
  metadata: Record<string, string>;
}

export interface BulkPublishRequest extends TraceContext {
  entries: BulkPublishEntry[];
  /**
   * Tracing on: starts the span of one CloudEvent entry (daprd gives every entry its own PRODUCER
   * span, a child of the API call's) and returns its context for that entry's envelope. Not called
   * for raw-payload entries. Absent: every entry carries the request's context.
   */
  entrySpan?(): TraceContext;
}

export interface BulkPublishResult {
  /** Empty when every entry was published. */
  failedEntries: Array<{ entryId: string; error: string }>;
}

/** Dapr's IsOperationAllowed for publishing: allowedTopics, then protectedTopics, then publishingScopes. */
export function isPublishAllowed(settings: PubsubSettings | undefined, appId: string, topic: string): boolean {
  if (!settings) return true;
  if (settings.allowedTopics.length > 0 && !settings.allowedTopics.includes(topic)) return false;
  const scoped = settings.publishingScopes.get(appId) ?? [];
  if (!settings.protectedTopics.includes(topic) && scoped.length === 0) return true;
  return scoped.includes(topic);
}

/**
 * The pub/sub and topic to publish to, checked in daprd's order: ERR_PUBSUB_NOT_CONFIGURED,
 * ERR_PUBSUB_EMPTY, ERR_PUBSUB_NOT_FOUND, ERR_TOPIC_NAME_EMPTY, ERR_PUBSUB_FORBIDDEN.
 */
export function publishTarget(u: UniversalContext, pubsubName: string, topic: string, metadata: Record<string, string>): PublishTarget {
  const errors = pubsubErrors(pubsubName, metadata);
  const found = u.store.lookup<PubSub>('pubsub', pubsubName);
  if (!found.ok && found.reason === 'not-configured') throw errors.notConfigured();
  if (pubsubName === '') throw errors.nameEmpty();
  if (!found.ok) throw errors.notFound();
  if (topic === '') throw errors.topicEmpty();
  if (!isPublishAllowed(found.component.settings.pubsub, u.appId, topic)) throw errors.forbidden(topic, u.appId);
  return { appId: u.appId, pubsubName, topic, pubsub: found.component.instance, errors, metadata, runner: outboundRunner(u, pubsubName, 'pubsub') };
}

function envelopeFor(t: PublishTarget, body: Buffer, contentType: string | undefined, metadata: Record<string, string>, trace: Required<Pick<TraceContext, 'traceparent'>> & TraceContext) {
  return buildEnvelope({
    appId: t.appId,
    pubsubName: t.pubsubName,
    topic: t.topic,
    body,
    contentType,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
    metadata,
    features: t.pubsub.features(),
  });
}

export async function publish(t: PublishTarget, req: PublishRequest): Promise<void> {
  const envelope = envelopeFor(t, req.data, req.contentType, t.metadata, { traceparent: ensureTraceparent(req.traceparent), tracestate: req.tracestate });
  const msg = { topic: t.topic, data: envelope.data, contentType: envelope.contentType, metadata: t.metadata };
  try {
    await runOutbound(t.runner, () => t.pubsub.publish(msg));
  } catch (err) {
    throw t.errors.publish(t.topic, err);
  }
}

/** Publishes every entry (each with the request metadata under its own); failures are listed, not thrown. */
export async function bulkPublish(t: PublishTarget, req: BulkPublishRequest): Promise<BulkPublishResult> {
  const shared = { traceparent: ensureTraceparent(req.traceparent), tracestate: req.tracestate };
  const prepared = req.entries.map((e) => {
    const metadata = { ...t.metadata, ...e.metadata };
    const own = req.entrySpan && rawPayloadOf(metadata) === false ? req.entrySpan() : undefined;
    const trace = own ? { traceparent: ensureTraceparent(own.traceparent), tracestate: own.tracestate } : shared;
    return { entryId: e.entryId, envelope: envelopeFor(t, e.event, e.contentType, metadata, trace), metadata };
  });
  if (t.runner.noop) {
    const results = await Promise.allSettled(prepared.map((p) => t.pubsub.publish(messageOf(t, p))));
    return { failedEntries: results.flatMap((r, i) => (r.status === 'rejected' ? [failed(t, prepared[i] as Prepared, r.reason)] : [])) };
  }
  // Under a policy (daprd's ApplyBulkPublishResiliency) each retry publishes only the entries that failed.
  let pending = prepared;
  let failures: Array<{ entryId: string; error: string }> = [];
  try {
    await t.runner.run(async (signal) => {
      const sent = pending;
      const results = await Promise.allSettled(sent.map((p) => t.pubsub.publish(messageOf(t, p))));
      if (signal.aborted) return;
      const failedNow = sent.filter((_, i) => results[i]?.status === 'rejected');
      failures = results.flatMap((r, i) => (r.status === 'rejected' ? [failed(t, sent[i] as Prepared, r.reason)] : []));
      if (failedNow.length === 0) return;
      pending = failedNow;
      throw new Error(failures[0]?.error);
    });
  } catch (err) {
    // A timeout or an open breaker fails every entry not published yet.
    if (isResiliencyError(err)) failures = pending.map((p) => failed(t, p, err));
  }
  return { failedEntries: failures };
}

type Prepared = { entryId: string; envelope: ReturnType<typeof envelopeFor>; metadata: Record<string, string> };

function messageOf(t: PublishTarget, p: Prepared) {
  return { topic: t.topic, data: p.envelope.data, contentType: p.envelope.contentType, metadata: p.metadata };
}

function failed(t: PublishTarget, p: Prepared, reason: unknown): { entryId: string; error: string } {
  return { entryId: p.entryId, error: t.errors.publish(t.topic, reason).message };
}

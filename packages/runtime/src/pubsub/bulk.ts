/**
 * @module pubsub/bulk
 * Bulk subscribe delivery (spec §6.6, daprd's default bulk subscriber): the broker's messages for
 * one subscription are buffered until `maxMessagesCount` are waiting or `maxAwaitDurationMs` has
 * passed since the first one, then routed entry by entry and sent as one
 * `com.dapr.event.sent.bulk` envelope per route path. The app's per-entry statuses settle each
 * message exactly as single delivery does (attempt counting, dead-lettering, shutdown never
 * dead-letters); with an inbound resiliency policy on the pub/sub, the entries to retry are sent
 * again per the policy first.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { HandlerResult, Message, PubSub } from '../components/pubsub/contract';
import type { AppCallbacks } from '../app-channel/types';
import type { AppChannel } from '../invoke/app-channel';
import { asObject, goField } from '../json/go-fields';
import type { Logger } from '../logger';
import { startDeliverySpan } from '../tracing/callback-span';
import type { TraceSpan, Tracing } from '../tracing/tracer';
import { inboundRunner, type ResiliencyGetter } from './inbound';
import { CLOUDEVENT_CONTENT_TYPE, isRawPayload, Settler, type Verdict } from './settle';
import type { Subscription } from './subscriptions';

export const DEFAULT_MAX_MESSAGES_COUNT = 100;
export const DEFAULT_MAX_AWAIT_DURATION_MS = 1000;
export const BULK_EVENT_TYPE = 'com.dapr.event.sent.bulk';
const RAW_CONTENT_TYPE = 'application/octet-stream';

export interface BulkDeps {
  /** The app (Deliveries always passes it). */
  app?: AppCallbacks;
  /** Kept for callers that only build a BulkDelivery to read its settings. */
  channel?: AppChannel;
  logger: Logger;
  /** True once the sidecar is shutting down: retries are then not counted and never dead-lettered. */
  isStopping: () => boolean;
  /** The sidecar's tracer once configured (none: sampling 0, no delivery spans). */
  tracing?(): Tracing | undefined;
  /** The loaded resiliency policies: a pub/sub's inbound policy retries the failed entries. */
  resiliency?: ResiliencyGetter;
  /** Aborted on shutdown: policy retries give up. */
  stopped?: AbortSignal;
}

interface Pending {
  msg: Message;
  resolve: (r: HandlerResult) => void;
}

/** One entry of a batch on its way to the app. */
interface Entry {
  entryId: string;
  /** The CloudEvent the rules saw (what retries are counted by). */
  event: Record<string, unknown>;
  /** The JSON text of `event`: the broker's envelope bytes verbatim, or a quoted base64 string. */
  eventJson: Buffer;
  contentType: string;
  pending: Pending;
}

/**
 * Maps the app's answer to one verdict per entry id (daprd `postman/http DeliverBulk`): 404 drops
 * every entry; any other non-2xx or an unreadable body retries every entry; otherwise each
 * `statuses` item decides its entry (`SUCCESS`, `DROP`, `RETRY`; empty or unknown → retry) and an
 * entry without a status is retried. Field names are matched as Go decodes them (json/go-fields).
 */
export function bulkVerdicts(status: number, body: Buffer | string, entryIds: readonly string[]): Map<string, Verdict> {
  const all = (v: Verdict) => new Map(entryIds.map((id) => [id, v]));
  if (status === 404) return all({ result: 'drop', reason: 'the app answered 404' });
  if (status < 200 || status > 299) return all({ result: 'retry', reason: `the app answered ${status}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return all({ result: 'retry', reason: 'the app answer is not a JSON bulk response' });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return all({ result: 'retry', reason: 'the app answer is not a JSON bulk response' });
  const statuses = goField(parsed as Record<string, unknown>, 'statuses');
  const out = new Map<string, Verdict>();
  const wanted = new Set(entryIds);
  for (const item of Array.isArray(statuses) ? statuses : []) {
    const fields = asObject(item);
    if (!fields) continue;
    const entryId = goField(fields, 'entryId');
    if (typeof entryId !== 'string' || !wanted.has(entryId) || out.has(entryId)) continue;
    const s = goField(fields, 'status');
    if (s === 'SUCCESS') out.set(entryId, { result: 'success' });
    else if (s === 'DROP') out.set(entryId, { result: 'drop', reason: 'the app asked to drop the message' });
    else if (s === 'RETRY' || s === '' || s === undefined || s === null) out.set(entryId, { result: 'retry', reason: 'the app asked for a retry' });
    else out.set(entryId, { result: 'retry', reason: `unknown status ${JSON.stringify(s)}` });
  }
  for (const id of entryIds) if (!out.has(id)) out.set(id, { result: 'retry', reason: 'the app returned no status for the entry' });
  return out;
}

/** The bulk envelope bytes: `event` values are spliced in as raw JSON (envelope bytes are not re-serialised). */
export function bulkBody(sub: Subscription, topic: string, entries: ReadonlyArray<Pick<Entry, 'entryId' | 'eventJson' | 'contentType'> & { metadata?: Record<string, string> }>): Buffer {
  const parts: Buffer[] = [Buffer.from('{"entries":[')];
  entries.forEach((e, i) => {
    parts.push(Buffer.from(`${i ? ',' : ''}{"entryId":${JSON.stringify(e.entryId)},"event":`), e.eventJson);
    parts.push(Buffer.from(`,"contentType":${JSON.stringify(e.contentType)},"metadata":${JSON.stringify(e.metadata ?? {})}}`));
  });
  const tail = { id: randomUUID(), metadata: { pubsubName: sub.pubsubname }, pubsubname: sub.pubsubname, topic, type: BULK_EVENT_TYPE };
  parts.push(Buffer.from(`],${JSON.stringify(tail).slice(1)}`));
  return Buffer.concat(parts);
}

/**
 * The route of one bulk batch: every entry of a batch matched the same rule, so the first entry's
 * event names it. `normalise` adds the leading slash an HTTP path needs (as the Settler does);
 * gRPC apps get the path exactly as the subscription gave it.
 */
export function bulkRoute(sub: Subscription, entries: ReadonlyArray<{ event: Record<string, unknown> }>, normalise: boolean): string {
  const first = entries[0];
  const rule = first ? sub.rules.find((r) => r.test(first.event)) : undefined;
  const path = rule?.path ?? '';
  return normalise && !path.startsWith('/') ? `/${path}` : path;
}

/** Buffers and delivers the messages of one bulk-enabled subscription. */
export class BulkDelivery {
  readonly maxMessagesCount: number;
  readonly maxAwaitDurationMs: number;
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly settler: Settler;

  constructor(
    private readonly sub: Subscription,
    pubsub: PubSub,
    private readonly deps: BulkDeps,
  ) {
    this.maxMessagesCount = sub.bulkSubscribe?.maxMessagesCount || DEFAULT_MAX_MESSAGES_COUNT;
    this.maxAwaitDurationMs = sub.bulkSubscribe?.maxAwaitDurationMs || DEFAULT_MAX_AWAIT_DURATION_MS;
    this.settler = new Settler(sub, pubsub, deps.logger, deps.isStopping);
  }

  /** Queues one broker message; resolves with its result once its batch has been answered. */
  add(msg: Message): Promise<HandlerResult> {
    return new Promise<HandlerResult>((resolve) => {
      this.pending.push({ msg, resolve });
      if (this.pending.length >= this.maxMessagesCount) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxAwaitDurationMs);
    });
  }

  /** Sends whatever is buffered now (also called on shutdown so nothing waits for the timer). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.process(batch).catch((err: unknown) => {
      this.deps.logger.error({ err }, `bulk delivery on topic "${this.sub.topic}" of pub/sub "${this.sub.pubsubname}" failed`);
      for (const p of batch) p.resolve('retry');
    });
  }

  private async process(batch: Pending[]): Promise<void> {
    const byPath = new Map<string, Entry[]>();
    for (const p of batch) {
      const entry = await this.route(p);
      if (!entry) continue;
      const list = byPath.get(entry.path);
      if (list) list.push(entry.entry);
      else byPath.set(entry.path, [entry.entry]);
    }
    await Promise.all([...byPath].map(([path, entries]) => this.send(path, entries)));
  }

  /** Decodes and routes one message; settles it at once (and returns undefined) when it is not sent. */
  private async route(p: Pending): Promise<{ path: string; entry: Entry } | undefined> {
    const { msg } = p;
    const routed = await this.settler.route(msg);
    if (typeof routed === 'string') {
      p.resolve(routed);
      return undefined;
    }
    const raw = isRawPayload(this.sub);
    const entry: Entry = {
      entryId: randomUUID(),
      event: routed.event,
      eventJson: raw ? Buffer.from(JSON.stringify(msg.data.toString('base64'))) : msg.data,
      contentType: raw ? RAW_CONTENT_TYPE : CLOUDEVENT_CONTENT_TYPE,
      pending: p,
    };
    return { path: routed.path, entry };
  }

  /**
   * daprd's bulk delivery tracing: one `pubsub/<topic>` CONSUMER span per entry whose CloudEvent
   * carries a trace context (`traceparent`, else `traceid`), each a child of its own publisher's
   * span. The bulk request itself goes to the app without trace headers (daprd's carries none:
   * one request cannot name several parents).
   */
  private startSpans(topic: string, entries: readonly Entry[]): Array<[string, TraceSpan]> {
    const tracing = this.deps.tracing?.();
    if (!tracing) return [];
    const spans: Array<[string, TraceSpan]> = [];
    for (const e of entries) {
      const carried = typeof e.event.traceparent === 'string' ? e.event.traceparent : e.event.traceid;
      if (typeof carried !== 'string') continue;
      const context: http.OutgoingHttpHeaders = { traceparent: carried };
      if (typeof e.event.tracestate === 'string' && e.event.tracestate) context.tracestate = e.event.tracestate;
      const span = startDeliverySpan(tracing, this.sub.pubsubname, topic, context);
      if (span) spans.push([e.entryId, span]);
    }
    return spans;
  }

  private async send(_path: string, entries: Entry[]): Promise<void> {
    const runner = inboundRunner(this.deps.resiliency, this.sub.pubsubname, 'pubsub');
    if (runner.noop) {
      const { verdicts } = await this.attempt(entries);
      await this.settleAll(entries, verdicts, false);
      return;
    }
    // Under a policy (daprd's applyBulkSubscribeResiliency) each retry sends only the entries still to be retried.
    const final = new Map<string, Verdict>();
    let pending = entries;
    try {
      await runner.run(
        async (signal) => {
          const sent = pending;
          const { verdicts, status } = await this.attempt(sent);
          if (signal.aborted) return;
          const again = sent.filter((e) => {
            const v = verdicts.get(e.entryId) ?? { result: 'retry', reason: 'the app returned no status for the entry' };
            final.set(e.entryId, v);
            return v.result === 'retry';
          });
          if (again.length === 0) return;
          pending = again;
          throw new BulkRetry(status);
        },
        { signal: this.deps.stopped, errorStatus: (err) => (err instanceof BulkRetry && err.status !== undefined && (err.status < 200 || err.status > 299) ? { httpStatus: err.status } : undefined) },
      );
    } catch (err) {
      // A timeout or an open breaker: the entries not answered yet are retries naming it.
      if (!(err instanceof BulkRetry)) for (const e of pending) final.set(e.entryId, { result: 'retry', reason: `delivery failed: ${(err as Error).message}` });
    }
    await this.settleAll(entries, final, true);
  }

  /** One bulk request to the app: the verdict of each entry. */
  private async attempt(entries: Entry[]): Promise<{ status?: number; verdicts: Map<string, Verdict> }> {
    const app = this.deps.app;
    if (!app) throw new Error('bulk delivery needs the app callbacks');
    const topic = entries[0]?.pending.msg.topic ?? this.sub.topic;
    const headers: http.OutgoingHttpHeaders = { pubsubname: this.sub.pubsubname, 'content-type': 'application/json' };
    const ids = entries.map((e) => e.entryId);
    const release = await app.acquire();
    const spans = this.startSpans(topic, entries);
    let verdicts: Map<string, Verdict>;
    let status: number | undefined;
    try {
      const res = await app.deliverBulk(this.sub, topic, entries.map((e) => ({ entryId: e.entryId, event: e.event, eventJson: e.eventJson, contentType: e.contentType, metadata: e.pending.msg.metadata })), headers);
      status = res.status;
      verdicts = res.verdicts;
    } catch (err) {
      const v: Verdict = { result: 'retry', reason: `delivery failed: ${(err as Error).message}` };
      verdicts = new Map(ids.map((id) => [id, v]));
    } finally {
      release();
    }
    for (const [entryId, span] of spans) {
      const v = verdicts.get(entryId);
      span.end(status, v?.result === 'success' ? undefined : `delivery ${v?.result ?? 'retry'}`);
    }
    return { status, verdicts };
  }

  private async settleAll(entries: Entry[], verdicts: Map<string, Verdict>, policy: boolean): Promise<void> {
    await Promise.all(
      entries.map(async (e) => {
        const v = verdicts.get(e.entryId) ?? { result: 'retry' as const };
        e.pending.resolve(await this.settler.settle(e.pending.msg, e.event, v, policy));
      }),
    );
  }
}

/** Some entries of a bulk attempt are to be retried (`status`: the app's HTTP status). */
class BulkRetry extends Error {
  constructor(readonly status: number | undefined) {
    super(`some entries were not delivered${status !== undefined ? ` (the app answered ${status})` : ''}`);
    this.name = 'BulkRetry';
  }
}

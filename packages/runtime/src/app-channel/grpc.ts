/**
 * @module app-channel/grpc
 * The app side of a gRPC app (--app-protocol grpc|grpcs): the sidecar dials the app port and calls
 * dapr.proto.runtime.v1.AppCallback, AppCallbackAlpha and AppCallbackHealthCheck (daprd
 * pkg/channel/grpc, pkg/runtime/subscription/postman/grpc, pkg/runtime/processor/binding):
 * - every call carries `dapr-api-token` when --app-api-token is set; grpcs is TLS without
 *   certificate verification (as the https app channel); messages up to --max-body-size;
 * - OnTopicEvent: SUCCESS (also unset) → success, RETRY → retry, DROP → drop, any other value →
 *   retry; an UNIMPLEMENTED status drops, any other error retries;
 * - bulk: OnBulkTopicEvent, and on UNIMPLEMENTED once more with OnBulkTopicEventAlpha1 (what the
 *   SDK servers implement); UNIMPLEMENTED again drops every entry, other errors retry every entry;
 *   per entry as above, an entry without a status is retried, unknown entry ids are ignored;
 * - OnBindingEvent: the answer's `data` goes back to the input binding; `to` names output bindings
 *   that get the data (re-serialised as Go would) with operation `create`, in order or in parallel
 *   (`concurrency`); `states` is ignored (daprd's gRPC path does not save them either);
 * - --app-max-concurrency: acquire() shares the HTTP app channel's limiter (one limit for the app).
 * Calls never acquire a slot themselves: the caller does, as with the HTTP channel.
 * The unary call itself is in grpc-call, headers to and from metadata in grpc-metadata.
 */
import { credentials, Metadata, status, type Client, type ClientOptions, type ServiceError } from '@grpc/grpc-js';
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ProbeFn } from '../invoke/app-health';
import { httpStatusFromGrpc } from '../invoke/grpc-status';
import { goMarshal } from '../json/go-json';
import type { Logger } from '../logger';
import { BULK_EVENT_TYPE, bulkRoute } from '../pubsub/bulk';
import { subscriptionsFromGrpc, type TopicSubscriptionPb } from '../pubsub/discovery';
import { isRawPayload, type Verdict } from '../pubsub/settle';
import type { Subscription } from '../pubsub/subscriptions';
import {
  cloudEventFields,
  EnvelopeDataError,
  str,
  topicEventRequest,
  verdictForStatus,
  type TopicEventBulkRequestEntryPb,
  type TopicEventBulkRequestPb,
  type TopicEventRequestPb,
} from '../pubsub/topic-event-pb';
import type { AppBulkEntry, AppCallbacks, AppEvent, AppInvoke, AppInvokeResult } from './types';
import { clientConstructors, unaryCall, type CallResult } from './grpc-call';
import { headersToMetadata, lowerKeys, metadataToHeaders } from './grpc-metadata';

export { TOPIC_EVENT_STATUS, verdictForStatus } from '../pubsub/topic-event-pb';

/** How long ListTopicSubscriptions may take, and the delays between attempts (as HTTP discovery). */
const LIST_TIMEOUT_MS = 5000;
const LIST_DELAYS_MS = [200, 500, 1000];
const DEFAULT_LIST_BINDINGS_TIMEOUT_MS = 3000;

export const BINDING_CONCURRENCY = { SEQUENTIAL: 0, PARALLEL: 1 } as const;
/** common.v1.HTTPExtension.Verb */
export const HTTP_VERBS: Readonly<Record<string, number>> = { GET: 1, HEAD: 2, POST: 3, PUT: 4, DELETE: 5, CONNECT: 6, OPTIONS: 7, TRACE: 8, PATCH: 9 };

// ---- message shapes (proto-loader: camelCase, enums as numbers, bytes as Buffer) ----

interface TopicEventResponsePb {
  status: number;
}
interface TopicEventBulkResponsePb {
  statuses: Array<{ entryId: string; status: number }>;
}
interface BindingEventResponsePb {
  storeName: string;
  states: unknown[];
  to: string[];
  data: Buffer;
  concurrency: number;
}
interface InvokeResponsePb {
  data: { typeUrl: string; value: Buffer } | null;
  contentType: string;
}

/** One bulk entry: the raw bytes with rawPayload, else the CloudEvent. */
export function bulkEntry(sub: Subscription, e: AppBulkEntry): TopicEventBulkRequestEntryPb {
  const base = { entryId: e.entryId, contentType: e.contentType, metadata: { ...(e.metadata ?? {}) } };
  if (isRawPayload(sub)) return { ...base, bytes: Buffer.from(str(e.event.data_base64), 'base64') };
  return { ...base, cloudEvent: cloudEventFields(e.event, false) };
}

/** The verdict for a failed call: UNIMPLEMENTED drops (daprd: non-retriable), anything else retries. */
export function verdictForError(err: unknown): Verdict {
  const e = err as Partial<ServiceError>;
  if (e.code === status.UNIMPLEMENTED) return { result: 'drop', reason: `the app answered UNIMPLEMENTED: ${e.details ?? ''}` };
  return { result: 'retry', reason: `delivery failed: ${(err as Error).message}` };
}

export { headersToMetadata } from './grpc-metadata';

// ---- the channel ----

export interface GrpcAppChannelOptions {
  /** --app-channel-address */
  address: string;
  port: number;
  /** grpcs: TLS without verifying the app's certificate. */
  tls: boolean;
  appApiToken?: string;
  /** The --app-max-concurrency limiter (the HTTP app channel's, so invocations share it). */
  limiter: { acquire(signal?: AbortSignal): Promise<() => void> };
  /** --max-body-size: the largest message sent to or read from the app. */
  maxMessageBytes?: number;
  logger: Logger;
  /** Deadline of ListInputBindings (--app-binding-options-timeout). */
  listBindingsTimeoutMs?: number;
  /** Sends an OnBindingEvent answer's data to the output binding `name` (operation create). */
  outputBinding?(name: string, data: Buffer): Promise<void>;
}

export class GrpcAppChannel implements AppCallbacks {
  readonly protocol = 'grpc' as const;
  readonly target: string;
  readonly probe: ProbeFn;
  private readonly callback: Client;
  private readonly alpha: Client;
  private readonly health: Client;
  private closed = false;

  constructor(private readonly o: GrpcAppChannelOptions) {
    const host = o.address.includes(':') && !o.address.startsWith('[') ? `[${o.address}]` : o.address;
    this.target = `${host}:${o.port}`;
    const creds = o.tls ? credentials.createSsl(null, null, null, { rejectUnauthorized: false, checkServerIdentity: () => undefined }) : credentials.createInsecure();
    const max = o.maxMessageBytes && o.maxMessageBytes > 0 ? o.maxMessageBytes : undefined;
    const options: ClientOptions = max ? { 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max } : {};
    const c = clientConstructors();
    this.callback = new c.callback(this.target, creds, options);
    const channelOverride = this.callback.getChannel();
    this.alpha = new c.alpha(this.target, creds, { ...options, channelOverride });
    this.health = new c.health(this.target, creds, { ...options, channelOverride });
    this.probe = async (signal) => {
      try {
        await this.call(this.health, 'HealthCheck', {}, this.metadata(), { signal });
        return true;
      } catch {
        return false;
      }
    };
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    return this.o.limiter.acquire(signal);
  }

  /** Metadata every call carries: the app API token. */
  private metadata(): Metadata {
    const md = new Metadata();
    if (this.o.appApiToken) md.set('dapr-api-token', this.o.appApiToken);
    return md;
  }
  private call<Res>(client: Client, rpc: string, req: unknown, md: Metadata, o: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CallResult<Res>> {
    return unaryCall<Res>(client, rpc, req, md, o);
  }

  async listSubscriptions(signal?: AbortSignal): Promise<Subscription[]> {
    const log = this.o.logger;
    for (let attempt = 0; ; attempt++) {
      try {
        const { response } = await this.call<{ subscriptions: TopicSubscriptionPb[] }>(this.callback, 'ListTopicSubscriptions', {}, this.metadata(), { signal, timeoutMs: LIST_TIMEOUT_MS });
        return subscriptionsFromGrpc(response.subscriptions ?? [], (m) => log.warn(m));
      } catch (err) {
        const code = (err as Partial<ServiceError>).code;
        if (code === status.UNIMPLEMENTED) {
          log.info('pubsub subscriptions: gRPC app does not implement ListTopicSubscriptions');
          return [];
        }
        const delay = LIST_DELAYS_MS[attempt];
        if (delay === undefined || signal?.aborted || code === status.DEADLINE_EXCEEDED) {
          log.warn({ err }, `ListTopicSubscriptions failed: ${(err as Error).message}; no programmatic subscriptions`);
          return [];
        }
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  async deliverEvent(e: AppEvent): Promise<{ status?: number; verdict: Verdict }> {
    // The route exactly as the subscription gave it (the Settler adds a slash for HTTP apps).
    const route = e.sub.rules.find((r) => r.test(e.event))?.path ?? e.path;
    let req: TopicEventRequestPb;
    try {
      req = topicEventRequest(e.event, e.sub.topic, e.sub.pubsubname, route);
    } catch (err) {
      if (err instanceof EnvelopeDataError) return { verdict: { result: 'retry', reason: err.message } };
      throw err;
    }
    const md = headersToMetadata(e.headers, this.metadata(), false);
    try {
      const { response } = await this.call<TopicEventResponsePb>(this.callback, 'OnTopicEvent', req, md);
      return { verdict: verdictForStatus(response.status) };
    } catch (err) {
      return { verdict: verdictForError(err) };
    }
  }

  async deliverBulk(sub: Subscription, topic: string, entries: AppBulkEntry[], headers: http.OutgoingHttpHeaders): Promise<{ status?: number; verdicts: Map<string, Verdict> }> {
    const verdicts = new Map<string, Verdict>();
    const sent: TopicEventBulkRequestEntryPb[] = [];
    for (const e of entries) {
      try {
        sent.push(bulkEntry(sub, e));
      } catch (err) {
        if (!(err instanceof EnvelopeDataError)) throw err;
        verdicts.set(e.entryId, { result: 'retry', reason: err.message });
      }
    }
    if (sent.length === 0) return { verdicts };
    const metadata = { pubsubName: sub.pubsubname };
    const req: TopicEventBulkRequestPb = { id: randomUUID(), entries: sent, metadata, topic, pubsubName: sub.pubsubname, type: BULK_EVENT_TYPE, path: bulkRoute(sub, entries, false) };
    const md = headersToMetadata({ ...headers, ...lowerKeys(metadata) }, this.metadata(), false);
    let response: TopicEventBulkResponsePb;
    try {
      try {
        response = (await this.call<TopicEventBulkResponsePb>(this.callback, 'OnBulkTopicEvent', req, md)).response;
      } catch (err) {
        if ((err as Partial<ServiceError>).code !== status.UNIMPLEMENTED) throw err;
        this.o.logger.debug(`falling back to OnBulkTopicEventAlpha1: ${(err as Error).message}`);
        response = (await this.call<TopicEventBulkResponsePb>(this.alpha, 'OnBulkTopicEventAlpha1', req, md)).response;
      }
    } catch (err) {
      const v = verdictForError(err);
      for (const e of sent) verdicts.set(e.entryId, v);
      return { verdicts };
    }
    const wanted = new Set(sent.map((e) => e.entryId));
    for (const s of response.statuses ?? []) {
      if (!wanted.has(s.entryId) || verdicts.has(s.entryId)) continue;
      verdicts.set(s.entryId, verdictForStatus(s.status));
    }
    for (const e of sent) if (!verdicts.has(e.entryId)) verdicts.set(e.entryId, { result: 'retry', reason: 'the app returned no status for the entry' });
    return { verdicts };
  }

  async listInputBindings(signal?: AbortSignal): Promise<string[]> {
    try {
      const { response } = await this.call<{ bindings: string[] }>(this.callback, 'ListInputBindings', {}, this.metadata(), {
        signal,
        timeoutMs: this.o.listBindingsTimeoutMs ?? DEFAULT_LIST_BINDINGS_TIMEOUT_MS,
      });
      return response.bindings ?? [];
    } catch (err) {
      if ((err as Partial<ServiceError>).code === status.UNIMPLEMENTED) return [];
      throw err;
    }
  }

  async deliverBinding(
    name: string,
    _path: string,
    data: Buffer,
    metadata: Record<string, string>,
    headers: http.OutgoingHttpHeaders,
  ): Promise<{ ok: boolean; status?: number; body: Buffer; error?: string }> {
    const md = this.metadata();
    const tp = headers.traceparent;
    if (typeof tp === 'string' && tp) headersToMetadata({ traceparent: tp, tracestate: headers.tracestate }, md, false);
    let response: BindingEventResponsePb;
    try {
      response = (await this.call<BindingEventResponsePb>(this.callback, 'OnBindingEvent', { name, data, metadata }, md)).response;
    } catch (err) {
      return { ok: false, body: Buffer.alloc(0), error: `OnBindingEvent failed: ${(err as Error).message}` };
    }
    const body = response.data ?? Buffer.alloc(0);
    if ((response.to ?? []).length > 0) await this.sendTo(name, response, body);
    return { ok: true, body };
  }

  /** daprd onAppResponse: the data (parsed as JSON, re-serialised as Go would) to each `to` binding. */
  private async sendTo(from: string, response: BindingEventResponsePb, body: Buffer): Promise<void> {
    const send = this.o.outputBinding;
    const log = this.o.logger;
    if (!send) return;
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = null;
    }
    const data = Buffer.from(goMarshal(parsed));
    if (response.concurrency === BINDING_CONCURRENCY.PARALLEL) {
      for (const to of response.to) {
        send(to, data).catch((err: unknown) => log.error({ err }, `input binding "${from}": sending the app's answer to output binding "${to}" failed`));
      }
      return;
    }
    for (const to of response.to) {
      try {
        await send(to, data);
      } catch (err) {
        log.error({ err }, `input binding "${from}": error executing app response: sending to output binding "${to}" failed`);
        return;
      }
    }
  }

  async invoke(req: AppInvoke): Promise<AppInvokeResult> {
    const verb = HTTP_VERBS[req.verb.toUpperCase()] ?? 0;
    const request = {
      method: req.method.replace(/^\/+/, ''),
      data: { typeUrl: '', value: req.body },
      contentType: req.contentType ?? '',
      httpExtension: { verb, querystring: req.query },
    };
    const md = headersToMetadata(req.headers, this.metadata(), true);
    try {
      const { response, headers, trailers } = await this.call<InvokeResponsePb>(this.callback, 'OnInvoke', request, md, { signal: req.signal });
      const out = metadataToHeaders(headers, trailers);
      if (response.contentType) out['content-type'] = response.contentType;
      return { status: 200, headers: out, body: response.data?.value ?? Buffer.alloc(0), grpc: { code: status.OK, message: '' } };
    } catch (err) {
      const e = err as Partial<ServiceError>;
      if (typeof e.code !== 'number') throw err;
      const details = e.metadata?.get('grpc-status-details-bin')[0];
      const message = e.details ?? '';
      const body: Record<string, unknown> = {};
      if (e.code) body.code = e.code;
      if (message) body.message = message;
      return {
        status: httpStatusFromGrpc(e.code),
        headers: e.metadata ? metadataToHeaders(new Metadata(), e.metadata) : {},
        body: Buffer.from(JSON.stringify(body)),
        grpc: { code: e.code, message, details: Buffer.isBuffer(details) ? details : undefined },
      };
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.callback.close();
  }
}

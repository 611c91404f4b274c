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
 */
import {
  credentials,
  makeClientConstructor,
  Metadata,
  status,
  type CallOptions,
  type Client,
  type ClientOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { APP_CALLBACK, APP_CALLBACK_ALPHA, APP_CALLBACK_HEALTH, serviceDefinition } from '../api/grpc/proto';
import { binaryFromTraceparent } from '../api/grpc/call';
import type { ProbeFn } from '../invoke/app-health';
import { httpStatusFromGrpc } from '../invoke/grpc-status';
import { goMarshal } from '../json/go-json';
import type { Logger } from '../logger';
import { BULK_EVENT_TYPE, bulkRoute } from '../pubsub/bulk';
import { subscriptionsFromGrpc, type TopicSubscriptionPb } from '../pubsub/discovery';
import { isRawPayload, type Verdict } from '../pubsub/settle';
import type { Subscription } from '../pubsub/subscriptions';
import type { AppBulkEntry, AppCallbacks, AppEvent, AppInvoke, AppInvokeResult } from './types';

/** How long ListTopicSubscriptions may take, and the delays between attempts (as HTTP discovery). */
const LIST_TIMEOUT_MS = 5000;
const LIST_DELAYS_MS = [200, 500, 1000];
const DEFAULT_LIST_BINDINGS_TIMEOUT_MS = 3000;

export const TOPIC_EVENT_STATUS = { SUCCESS: 0, RETRY: 1, DROP: 2 } as const;
export const BINDING_CONCURRENCY = { SEQUENTIAL: 0, PARALLEL: 1 } as const;
/** common.v1.HTTPExtension.Verb */
export const HTTP_VERBS: Readonly<Record<string, number>> = { GET: 1, HEAD: 2, POST: 3, PUT: 4, DELETE: 5, CONNECT: 6, OPTIONS: 7, TRACE: 8, PATCH: 9 };

// ---- message shapes (proto-loader: camelCase, enums as numbers, bytes as Buffer) ----

export type ValuePb =
  | { nullValue: 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: StructPb }
  | { listValue: { values: ValuePb[] } };
export interface StructPb {
  fields: Record<string, ValuePb>;
}

export interface TopicEventCEPb {
  id: string;
  source: string;
  type: string;
  specVersion: string;
  dataContentType: string;
  data: Buffer;
  extensions: StructPb;
}

export interface TopicEventRequestPb extends TopicEventCEPb {
  topic: string;
  pubsubName: string;
  path: string;
}

export interface TopicEventBulkRequestEntryPb {
  entryId: string;
  bytes?: Buffer;
  cloudEvent?: TopicEventCEPb;
  contentType: string;
  metadata: Record<string, string>;
}

export interface TopicEventBulkRequestPb {
  id: string;
  entries: TopicEventBulkRequestEntryPb[];
  metadata: Record<string, string>;
  topic: string;
  pubsubName: string;
  type: string;
  path: string;
}

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

// ---- CloudEvent → TopicEventRequest (daprd GRPCEnvelopeFromSubscriptionMessage / extractCloudEvent) ----

/** The CloudEvent attributes that have their own field; everything else goes to `extensions`. */
const OWN_FIELDS = new Set(['id', 'source', 'datacontenttype', 'type', 'specversion', 'data', 'data_base64']);

function mediaIs(contentType: string, expected: string): boolean {
  const lower = contentType.toLowerCase();
  if (lower === expected) return true;
  const semi = lower.indexOf(';');
  return semi >= 0 && lower.slice(0, semi) === expected;
}

/** components-contrib contenttype.IsStringContentType */
export function isStringContentType(ct: string): boolean {
  return ct.toLowerCase().startsWith('text/') || mediaIs(ct, 'application/xml');
}

function isJsonLike(ct: string): boolean {
  return mediaIs(ct, 'application/json') || mediaIs(ct, 'application/cloudevents+json');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function toValue(v: unknown): ValuePb {
  if (v === null || v === undefined) return { nullValue: 0 };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
  return { nullValue: 0 };
}

export function toStruct(obj: Record<string, unknown>): StructPb {
  const fields: Record<string, ValuePb> = {};
  for (const [k, v] of Object.entries(obj)) fields[k] = toValue(v);
  return { fields };
}

class EnvelopeDataError extends Error {}

/**
 * The CloudEvent's own fields, `data` as bytes and the rest as extensions. `base64` says whether
 * `data_base64` is read (single delivery) or ignored (bulk entries, as daprd's extractCloudEvent).
 * Throws EnvelopeDataError where daprd answers a retriable error.
 */
export function cloudEventFields(event: Record<string, unknown>, base64: boolean): TopicEventCEPb {
  const dataContentType = str(event.datacontenttype);
  let data = Buffer.alloc(0);
  const b64 = event.data_base64;
  if (base64 && b64 !== undefined && b64 !== null) {
    if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new EnvelopeDataError('the CloudEvent data_base64 is not base64');
    }
    data = Buffer.from(b64, 'base64');
  } else if (event.data !== undefined && event.data !== null) {
    if (isStringContentType(dataContentType)) {
      if (typeof event.data !== 'string') throw new EnvelopeDataError('unexpected data type encountered in envelope');
      data = Buffer.from(event.data);
    } else if (isJsonLike(dataContentType)) {
      data = Buffer.from(goMarshal(event.data));
    }
  }
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!OWN_FIELDS.has(k)) extensions[k] = v;
  return {
    id: str(event.id),
    source: str(event.source),
    type: str(event.type),
    specVersion: str(event.specversion),
    dataContentType,
    data,
    extensions: toStruct(extensions),
  };
}

export function topicEventRequest(event: Record<string, unknown>, topic: string, pubsubName: string, path: string): TopicEventRequestPb {
  return { ...cloudEventFields(event, true), topic, pubsubName, path };
}

/** One bulk entry: the raw bytes with rawPayload, else the CloudEvent. */
export function bulkEntry(sub: Subscription, e: AppBulkEntry): TopicEventBulkRequestEntryPb {
  const base = { entryId: e.entryId, contentType: e.contentType, metadata: { ...(e.metadata ?? {}) } };
  if (isRawPayload(sub)) return { ...base, bytes: Buffer.from(str(e.event.data_base64), 'base64') };
  return { ...base, cloudEvent: cloudEventFields(e.event, false) };
}

/** The verdict for a TopicEventResponse status value. */
export function verdictForStatus(s: number | undefined): Verdict {
  switch (s ?? 0) {
    case TOPIC_EVENT_STATUS.SUCCESS:
      return { result: 'success' };
    case TOPIC_EVENT_STATUS.RETRY:
      return { result: 'retry', reason: 'the app asked for a retry' };
    case TOPIC_EVENT_STATUS.DROP:
      return { result: 'drop', reason: 'the app asked to drop the message' };
    default:
      return { result: 'retry', reason: `unknown status ${String(s)}` };
  }
}

/** The verdict for a failed call: UNIMPLEMENTED drops (daprd: non-retriable), anything else retries. */
export function verdictForError(err: unknown): Verdict {
  const e = err as Partial<ServiceError>;
  if (e.code === status.UNIMPLEMENTED) return { result: 'drop', reason: `the app answered UNIMPLEMENTED: ${e.details ?? ''}` };
  return { result: 'retry', reason: `delivery failed: ${(err as Error).message}` };
}

// ---- HTTP headers → gRPC metadata ----

/** Headers the gRPC transport owns or that mean nothing over HTTP/2. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'host', 'http2-settings', 'dapr-api-token', 'user-agent']);

/** daprd's isPermanentHTTPHeader: HTTP headers that reach a gRPC app with a `dapr-` prefix. */
const PERMANENT_HTTP_HEADERS = new Set([
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'authorization', 'cache-control', 'connection', 'cookie',
  'content-length', 'content-md5', 'content-type', 'date', 'expect', 'forwarded', 'from', 'host', 'http2-settings', 'if-match', 'if-modified-since',
  'if-none-match', 'if-range', 'if-unmodified-since', 'max-forwards', 'origin', 'pragma', 'proxy-authorization', 'range', 'referer', 'te', 'user-agent',
  'upgrade', 'via', 'warning',
]);

function addMetadata(md: Metadata, key: string, value: string): void {
  try {
    if (key.endsWith('-bin')) md.add(key, Buffer.from(value, 'base64'));
    else md.add(key, value);
  } catch {
    // Not a legal gRPC metadata key or value: left out, as Node leaves out illegal HTTP headers.
  }
}

/**
 * HTTP-style headers as gRPC metadata. `httpConversion` (invocations, as daprd) sends the
 * permanent HTTP headers as `dapr-<name>`; otherwise (events) transport headers are left out.
 */
export function headersToMetadata(headers: http.OutgoingHttpHeaders | http.IncomingHttpHeaders, md: Metadata, httpConversion: boolean): Metadata {
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    let key = k.toLowerCase();
    if (key.startsWith(':') || key.startsWith('grpc-') || key === 'dapr-api-token' || key === 'traceparent' || key === 'tracestate') continue;
    if (httpConversion && PERMANENT_HTTP_HEADERS.has(key)) key = `dapr-${key}`;
    else if (TRANSPORT_HEADERS.has(key)) continue;
    for (const value of Array.isArray(v) ? v : [String(v)]) addMetadata(md, key, value);
  }
  const tp = headers.traceparent;
  if (typeof tp === 'string' && tp) {
    md.set('traceparent', tp);
    const ts = headers.tracestate;
    if (typeof ts === 'string' && ts) md.set('tracestate', ts);
    const bin = binaryFromTraceparent(tp);
    if (bin) md.set('grpc-trace-bin', bin);
  }
  return md;
}

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

type UnaryFn = (req: unknown, md: Metadata, opts: CallOptions, cb: (err: ServiceError | null, res: unknown) => void) => {
  cancel(): void;
  on(event: 'metadata', cb: (md: Metadata) => void): unknown;
  on(event: 'status', cb: (s: { metadata: Metadata }) => void): unknown;
};

interface CallResult<Res> {
  response: Res;
  headers: Metadata;
  trailers: Metadata;
}

let constructors: { callback: typeof Client; alpha: typeof Client; health: typeof Client } | undefined;
function clientConstructors() {
  constructors ??= {
    callback: makeClientConstructor(serviceDefinition(APP_CALLBACK), 'AppCallback') as unknown as typeof Client,
    alpha: makeClientConstructor(serviceDefinition(APP_CALLBACK_ALPHA), 'AppCallbackAlpha') as unknown as typeof Client,
    health: makeClientConstructor(serviceDefinition(APP_CALLBACK_HEALTH), 'AppCallbackHealthCheck') as unknown as typeof Client,
  };
  return constructors;
}

function cancelledError(): ServiceError {
  return Object.assign(new Error(`${status.CANCELLED} CANCELLED: the call was cancelled`), { code: status.CANCELLED, details: 'the call was cancelled', metadata: new Metadata() });
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
    return new Promise((resolve, reject) => {
      if (o.signal?.aborted) {
        reject(cancelledError());
        return;
      }
      const opts: CallOptions = {};
      if (o.timeoutMs !== undefined) opts.deadline = Date.now() + o.timeoutMs;
      let headers = new Metadata();
      let trailers = new Metadata();
      const fn = (client as unknown as Record<string, UnaryFn>)[rpc] as UnaryFn;
      const onAbort = (): void => call.cancel();
      const call = fn.call(client, req, md, opts, (err, res) => {
        o.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        // grpc-js emits 'status' (the trailers) right after this callback returns.
        else queueMicrotask(() => resolve({ response: res as Res, headers, trailers }));
      });
      call.on('metadata', (m: Metadata) => (headers = m));
      call.on('status', (s: { metadata: Metadata }) => (trailers = s.metadata));
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
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

function lowerKeys(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k.toLowerCase()] = v;
  return out;
}

/** Response header and trailer metadata as HTTP-style headers (text values; binary ones base64). */
function metadataToHeaders(headers: Metadata, trailers: Metadata): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const md of [headers, trailers]) {
    for (const [k, v] of Object.entries(md.toJSON())) {
      if (k === 'content-type' || k.startsWith('grpc-') || k.startsWith(':')) continue;
      const values = (v as Array<string | Buffer>).map((x) => (Buffer.isBuffer(x) ? x.toString('base64') : x));
      const prev = out[k];
      const all = prev === undefined ? values : [...(Array.isArray(prev) ? prev : [prev]), ...values];
      out[k] = all.length === 1 ? (all[0] as string) : all;
    }
  }
  return out;
}

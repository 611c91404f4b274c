/**
 * @module pubsub/topic-event-pb
 * A routed CloudEvent as dapr.proto.runtime.v1's TopicEventRequest (daprd
 * GRPCEnvelopeFromSubscriptionMessage / extractCloudEvent), and a TopicEventResponse status as a
 * delivery verdict: what both gRPC paths to a subscriber share, the AppCallback of a gRPC app
 * (app-channel/grpc.ts) and streaming subscriptions (pubsub/streaming.ts). Shapes are the proto
 * loader's (camelCase, enums as numbers, bytes as Buffers).
 */
import { goMarshal } from '../json/go-json';
import type { Verdict } from './settle';

/** TopicEventResponse.TopicEventResponseStatus. */
export const TOPIC_EVENT_STATUS = { SUCCESS: 0, RETRY: 1, DROP: 2 } as const;

/** google.protobuf.Value as the proto loader encodes it (one of the kinds set). */
export interface ValuePb {
  nullValue?: 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructPb;
  listValue?: { values: ValuePb[] };
}
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

/** A CloudEvent attribute as a string field ('' when absent or not a string). */
export function str(v: unknown): string {
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

/** An event whose data cannot be put in a TopicEventRequest (daprd answers a retriable error). */
export class EnvelopeDataError extends Error {}

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
      throw new EnvelopeDataError('unexpected data type encountered in envelope (data_base64)');
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

/** The verdict for a TopicEventResponse status value. */
export function verdictForStatus(s: number | undefined, who = 'the app'): Verdict {
  switch (s ?? 0) {
    case TOPIC_EVENT_STATUS.SUCCESS:
      return { result: 'success' };
    case TOPIC_EVENT_STATUS.RETRY:
      return { result: 'retry', reason: `${who} asked for a retry` };
    case TOPIC_EVENT_STATUS.DROP:
      return { result: 'drop', reason: `${who} asked to drop the message` };
    default:
      return { result: 'retry', reason: `unknown status ${String(s)} from ${who}` };
  }
}

// owned by P5 (P1 stub: the signatures of GRPC-CONTRACT §2.7; open() answers UNIMPLEMENTED)
/**
 * @module pubsub/streaming
 * Streaming subscriptions (SubscribeTopicEventsAlpha1): one broker subscription per open stream.
 */
import type { ComponentStore } from '../components/store';
import { DaprError } from '../errors/dapr-error';
import type { Logger } from '../logger';
import type { MetadataState } from '../server/deps';
import type { Tracing } from '../tracing/tracer';

/** dapr.proto.runtime.v1.TopicEventRequest as the proto loader shapes it. */
export interface TopicEventRequestPb {
  id: string;
  source: string;
  type: string;
  specVersion: string;
  dataContentType: string;
  data: Buffer;
  topic: string;
  pubsubName: string;
  path: string;
  extensions?: Record<string, unknown> | null;
}

export interface StreamSink {
  send(msg: TopicEventRequestPb): void;
  onAck(cb: (id: string, status: 0 | 1 | 2) => void): void;
  closed: AbortSignal;
}

export interface StreamingOptions {
  store: ComponentStore;
  logger: Logger;
  metadata: MetadataState;
  tracing?(): Tracing | undefined;
  isStopping(): boolean;
}

export class StreamingSubscriptions {
  constructor(protected readonly o: StreamingOptions) {}

  /**
   * Rejects with a plain Error before subscribing (unknown pub/sub, duplicate, subscribe failure);
   * subscribe.ts sends its message as UNKNOWN, as daprd does.
   */
  async open(
    _init: { pubsubName: string; topic: string; metadata: Record<string, string>; deadLetterTopic?: string },
    _sink: StreamSink,
  ): Promise<() => Promise<void>> {
    throw new DaprError('ERR_API_UNIMPLEMENTED', 'streaming subscriptions are not implemented');
  }

  async stop(_graceMs: number): Promise<void> {}
}

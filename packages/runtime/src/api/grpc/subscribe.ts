// owned by P5
/**
 * @module api/grpc/subscribe
 * SubscribeTopicEventsAlpha1: the bidi stream of a streaming subscription (daprd
 * `pkg/api/grpc/subscribe.go` + `pkg/runtime/pubsub/streamer`). The client's first message must be
 * `initialRequest {pubsubName, topic, metadata, deadLetterTopic}`; the sidecar subscribes
 * (pubsub/streaming.ts), answers `initialResponse {}`, then sends one `eventMessage`
 * (TopicEventRequest) per message and takes `eventProcessed {id, status}` answers. Setup errors
 * end the stream with UNKNOWN and daprd's plain message (an unknown pub/sub with daprd's
 * INVALID_ARGUMENT DAPR_PUBSUB_NOT_FOUND); the client closing the stream unsubscribes, and a
 * sidecar shutdown ends it with OK.
 */
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { isDaprError } from '../../errors/dapr-error';
import type { StreamSink, TopicEventRequestPb } from '../../pubsub/streaming';
import type { BidiHandler, HandlerModule } from './call';
import { GrpcPassthrough } from './errors';
import { unimplemented } from './registry';

interface InitialRequestPb {
  pubsubName: string;
  topic: string;
  metadata: Record<string, string>;
  deadLetterTopic?: string | null;
}

interface EventProcessedPb {
  id: string;
  status?: { status: number } | null;
}

export interface SubscribeRequestPb {
  initialRequest?: InitialRequestPb | null;
  eventProcessed?: EventProcessedPb | null;
  subscribeTopicEventsRequestType?: 'initialRequest' | 'eventProcessed';
}

export type SubscribeResponsePb = { initialResponse: Record<string, never> } | { eventMessage: TopicEventRequestPb };

/** A plain setup error, sent as daprd's Go errors are: UNKNOWN with the message. */
function setupError(message: string): GrpcPassthrough {
  return new GrpcPassthrough(status.UNKNOWN, message);
}

function kindOf(req: SubscribeRequestPb): 'initialRequest' | 'eventProcessed' | undefined {
  if (req.subscribeTopicEventsRequestType) return req.subscribeTopicEventsRequestType;
  if (req.initialRequest) return 'initialRequest';
  if (req.eventProcessed) return 'eventProcessed';
  return undefined;
}

export const subscribeTopicEvents: BidiHandler = (deps, stream: ServerDuplexStream<SubscribeRequestPb, SubscribeResponsePb>, call) => {
  const streaming = deps.streaming ?? deps.ctx.streaming;
  if (!streaming) return Promise.reject(unimplemented('SubscribeTopicEventsAlpha1'));
  return new Promise<void>((resolve, reject) => {
    const closed = new AbortController();
    let ack: ((id: string, s: 0 | 1 | 2) => void) | undefined;
    let started = false;
    let ready = false;
    let close: (() => Promise<void>) | undefined;
    const early: TopicEventRequestPb[] = [];
    let done = false;

    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      if (!closed.signal.aborted) closed.abort();
      stream.removeListener('data', onData);
      const closing = close ? close() : Promise.resolve();
      void closing.catch(() => undefined).then(() => (err === undefined ? resolve() : reject(err)));
    };

    const write = (msg: SubscribeResponsePb) => {
      if (done || stream.destroyed || stream.writableEnded) return;
      stream.write(msg);
    };

    const sink: StreamSink = {
      send(msg) {
        if (done) throw new Error('the stream is closed');
        if (ready) write({ eventMessage: msg });
        else early.push(msg);
      },
      onAck(cb) {
        ack = cb;
      },
      closed: closed.signal,
      end: () => finish(),
    };

    const begin = async (init: InitialRequestPb) => {
      if (!init.pubsubName) throw setupError('pubsubName is required');
      if (!init.topic) throw setupError('topic is required');
      try {
        close = await streaming.open(
          { pubsubName: init.pubsubName, topic: init.topic, metadata: { ...(init.metadata ?? {}) }, deadLetterTopic: init.deadLetterTopic ?? undefined },
          sink,
        );
      } catch (err) {
        throw isDaprError(err) ? err : setupError(err instanceof Error ? err.message : String(err));
      }
      if (done) {
        await close();
        return;
      }
      write({ initialResponse: {} });
      ready = true;
      for (const m of early.splice(0)) write({ eventMessage: m });
    };

    const onData = (req: SubscribeRequestPb) => {
      if (done) return;
      const kind = kindOf(req);
      if (!started) {
        started = true;
        if (kind !== 'initialRequest' || !req.initialRequest) {
          finish(setupError('initial request is required'));
          return;
        }
        begin(req.initialRequest).catch((err: unknown) => finish(err));
        return;
      }
      if (kind === 'eventProcessed' && req.eventProcessed) {
        const { id, status: s } = req.eventProcessed;
        ack?.(id, (s?.status ?? 0) as 0 | 1 | 2);
        return;
      }
      finish(setupError('duplicate initial request received'));
    };

    stream.on('data', onData);
    // The client half-closed (io.EOF in daprd) or went away: unsubscribe and end the call.
    stream.once('end', () => finish());
    stream.once('error', () => finish());
    stream.once('cancelled', () => finish());
    if (call.signal.aborted) finish();
    else call.signal.addEventListener('abort', () => finish(), { once: true });
  });
};

export const handlers: HandlerModule = {
  bidi: { SubscribeTopicEventsAlpha1: subscribeTopicEvents },
};

/**
 * @module components/pubsub/in-memory
 * pubsub.in-memory: an in-process broker. Every subscriber of a topic gets each message; a `retry`
 * result is redelivered with a growing delay (up to MAX_ATTEMPTS), `drop` discards it.
 */
import type { FactoryContext, Logger } from '../../types';
import type { Message, MessageHandler, PubSub, PublishRequest, SubscribeRequest } from '../contract';

const MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 50;

export class InMemoryPubSub implements PubSub {
  private readonly topics = new Map<string, Set<MessageHandler>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.topics.clear();
  }

  features(): readonly string[] {
    return [];
  }

  async publish(req: PublishRequest): Promise<void> {
    const handlers = this.topics.get(req.topic);
    if (!handlers) return;
    const msg: Message = { topic: req.topic, data: req.data, metadata: req.metadata };
    for (const h of handlers) this.deliver(h, msg, 1);
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<() => Promise<void>> {
    let set = this.topics.get(req.topic);
    if (!set) {
      set = new Set();
      this.topics.set(req.topic, set);
    }
    set.add(handler);
    return async () => {
      this.topics.get(req.topic)?.delete(handler);
    };
  }

  private deliver(handler: MessageHandler, msg: Message, attempt: number): void {
    queueMicrotask(() => {
      if (this.closed) return;
      handler(msg)
        .catch((err: unknown) => {
          this.logger.warn({ err, topic: msg.topic }, 'subscriber handler failed');
          return 'retry' as const;
        })
        .then((result) => {
          if (result !== 'retry' || this.closed) return;
          if (attempt >= MAX_ATTEMPTS) {
            this.logger.warn({ topic: msg.topic, attempts: attempt }, 'message dropped after retries');
            return;
          }
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.deliver(handler, msg, attempt + 1);
          }, BASE_DELAY_MS * 2 ** (attempt - 1));
          this.timers.add(timer);
        });
    });
  }
}

export function createInMemoryPubSub(ctx: FactoryContext): InMemoryPubSub {
  return new InMemoryPubSub(ctx.logger);
}

/**
 * @module components/pubsub/contract
 * The pub/sub contract: publish, and subscribe resolving to an unsubscribe function. The handler
 * tells the broker whether the message succeeded, should be retried or dropped. The runtime (not the
 * broker) wraps and unwraps CloudEvents.
 */
import type { Component } from '../types';

export const PUBSUB_FEATURES = {
  MESSAGE_TTL: 'MESSAGE_TTL',
  SUBSCRIBE_WILDCARDS: 'SUBSCRIBE_WILDCARDS',
  BULK_PUBSUB: 'BULK_PUBSUB',
} as const;

export interface PublishRequest {
  topic: string;
  data: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface Message {
  topic: string;
  data: Buffer;
  metadata?: Record<string, string>;
}

export type HandlerResult = 'success' | 'retry' | 'drop';
export type MessageHandler = (msg: Message) => Promise<HandlerResult>;

export interface SubscribeRequest {
  topic: string;
  metadata?: Record<string, string>;
}

export interface PubSub extends Component {
  publish(req: PublishRequest): Promise<void>;
  subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<() => Promise<void>>;
}

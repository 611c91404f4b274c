/** @module components/pubsub/redis/descriptor pubsub.redis: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { REDIS_PUBSUB_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'pubsub.redis',
  aliases: [],
  version: 'v1',
  category: 'pubsub',
  summary: "Dapr's Redis Streams broker, wire-compatible with daprd's: consumer groups, at-least-once, redelivery of unacknowledged messages.",
  storage: 'redis',
  features: [],
  metadata: REDIS_PUBSUB_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createRedisPubSub,
};

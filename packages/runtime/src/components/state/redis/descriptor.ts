/** @module components/state/redis/descriptor state.redis: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { REDIS_STATE_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'state.redis',
  aliases: [],
  version: 'v1',
  category: 'state',
  summary: "State in Redis, in daprd's key format (a Redis shared with real Dapr reads the same keys).",
  storage: 'redis',
  features: ['ETAG', 'TRANSACTIONAL', 'TTL'],
  metadata: REDIS_STATE_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createRedisStateStore,
};

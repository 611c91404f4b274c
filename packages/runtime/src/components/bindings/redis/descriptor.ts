/** @module components/bindings/redis/descriptor bindings.redis: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { REDIS_BINDING_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'bindings.redis',
  aliases: [],
  version: 'v1',
  category: 'bindings',
  summary: 'Output binding for plain Redis string keys: set (with TTL), get, delete, increment.',
  storage: 'redis',
  features: [],
  directions: ['output'],
  operations: ['create', 'delete', 'get', 'increment'],
  metadata: REDIS_BINDING_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createRedisBinding,
};

/** @module components/state/in-memory/descriptor state.in-memory: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { createInMemoryStateStore } from './index';
import { IN_MEMORY_STATE_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'state.in-memory',
  aliases: [],
  version: 'v1',
  category: 'state',
  summary: 'State in the sidecar process: ETags, first-write, TTL and transactions; gone when the sidecar stops.',
  storage: 'memory',
  features: ['ETAG', 'TRANSACTIONAL', 'TTL'],
  metadata: IN_MEMORY_STATE_METADATA,
  load: () => createInMemoryStateStore,
};

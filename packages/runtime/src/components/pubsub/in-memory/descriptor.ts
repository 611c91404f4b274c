/** @module components/pubsub/in-memory/descriptor pubsub.in-memory: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { createInMemoryPubSub } from './index';
import { IN_MEMORY_PUBSUB_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'pubsub.in-memory',
  aliases: [],
  version: 'v1',
  category: 'pubsub',
  summary: "A broker inside one sidecar process: only that sidecar's subscribers receive, nothing is kept.",
  storage: 'memory',
  features: [],
  metadata: IN_MEMORY_PUBSUB_METADATA,
  load: () => createInMemoryPubSub,
};

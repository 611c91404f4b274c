/** @module components/pubsub/sqlite/descriptor pubsub.sqlite: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { SQLITE_PUBSUB_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'pubsub.sqlite',
  aliases: [],
  version: 'v1',
  category: 'pubsub',
  summary: 'A durable broker in one SQLite file shared by the sidecars of one machine: consumer groups, at-least-once (the `minidapr init` default).',
  storage: 'sqlite',
  features: ['MESSAGE_TTL'],
  metadata: SQLITE_PUBSUB_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createSqlitePubSub,
};

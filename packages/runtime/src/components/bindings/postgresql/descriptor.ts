/** @module components/bindings/postgresql/descriptor bindings.postgresql: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { POSTGRES_BINDING_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'bindings.postgresql',
  aliases: ['bindings.postgres'],
  version: 'v1',
  category: 'bindings',
  summary: 'Output binding that runs SQL on PostgreSQL with bound parameters; rows come back as arrays.',
  storage: 'postgresql',
  features: [],
  directions: ['output'],
  operations: ['exec', 'query', 'close'],
  metadata: POSTGRES_BINDING_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createPostgresBinding,
};

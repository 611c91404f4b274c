/** @module components/state/postgresql/descriptor state.postgresql: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { POSTGRES_STATE_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'state.postgresql',
  aliases: ['state.postgres'],
  version: 'v1',
  category: 'state',
  summary: 'State in one PostgreSQL table (jsonb values), with the alpha query API.',
  storage: 'postgresql',
  features: ['ETAG', 'TRANSACTIONAL', 'QUERY_API', 'TTL'],
  metadata: POSTGRES_STATE_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createPostgresStateStore,
};

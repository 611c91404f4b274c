/** @module components/state/sqlite/descriptor state.sqlite: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { SQLITE_STATE_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'state.sqlite',
  aliases: ['state.sqlite3'],
  version: 'v1',
  category: 'state',
  summary: 'State in one SQLite file that several sidecars may share; durable, no server (the `minidapr init` default).',
  storage: 'sqlite',
  features: ['ETAG', 'TRANSACTIONAL', 'TTL', 'QUERY_API'],
  metadata: SQLITE_STATE_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createSqliteStateStore,
};

/** @module components/bindings/sqlite/descriptor bindings.sqlite: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { SQLITE_BINDING_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'bindings.sqlite',
  aliases: [],
  version: 'v1',
  category: 'bindings',
  summary: 'Output binding that runs SQL on a SQLite file, with the operations and answers of bindings.postgresql.',
  storage: 'sqlite',
  features: [],
  directions: ['output'],
  operations: ['exec', 'query', 'close'],
  metadata: SQLITE_BINDING_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createSqliteBinding,
};

/** @module components/bindings/localstorage/descriptor bindings.localstorage: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { LOCALSTORAGE_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'bindings.localstorage',
  aliases: [],
  version: 'v1',
  category: 'bindings',
  summary: 'Output binding that writes, reads, lists and deletes files under one folder.',
  storage: 'files',
  features: [],
  directions: ['output'],
  operations: ['create', 'get', 'list', 'delete'],
  metadata: LOCALSTORAGE_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createLocalStorageBinding,
};

/** @module components/secretstores/local-file/descriptor secretstores.local.file: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { LOCAL_FILE_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'secretstores.local.file',
  aliases: [],
  version: 'v1',
  category: 'secretstores',
  summary: 'Secrets from a JSON file, read once at start-up (development only).',
  storage: 'files',
  features: [],
  featureNote: '`MULTIPLE_KEY_VALUES_PER_SECRET` when `multiValued` is true',
  metadata: LOCAL_FILE_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createLocalFileSecretStore,
};

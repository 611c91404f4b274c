/** @module components/secretstores/local-env/descriptor secretstores.local.env: what it is, what it declares, how to load it. */
import type { ComponentDescriptor } from '../../descriptor';
import { LOCAL_ENV_METADATA } from './metadata';

export const descriptor: ComponentDescriptor = {
  type: 'secretstores.local.env',
  aliases: [],
  version: 'v1',
  category: 'secretstores',
  summary: "Secrets from the sidecar's environment variables, `DAPR_*` and `APP_API_TOKEN` excepted (development only).",
  storage: 'none',
  features: [],
  metadata: LOCAL_ENV_METADATA,
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see ComponentDescriptor.load)
  load: () => (require('./index') as typeof import('./index')).createLocalEnvSecretStore,
};

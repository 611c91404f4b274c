/**
 * @module errors/secrets
 * Secrets API errors, built per store name. daprd sends them in the legacy shape (errorCode +
 * message); note the 401 for an unknown store, as daprd does.
 */
import { DaprError } from './dapr-error';

export function secretErrors(storeName: string) {
  return {
    notConfigured: () => new DaprError('ERR_SECRET_STORES_NOT_CONFIGURED', 'secret store is not configured'),
    notFound: () => new DaprError('ERR_SECRET_STORE_NOT_FOUND', `failed finding secret store with key ${storeName}`),
    permissionDenied: (key: string) =>
      new DaprError('ERR_PERMISSION_DENIED', `access denied by policy to get ${JSON.stringify(key)} from ${JSON.stringify(storeName)}`),
    get: (key: string, cause: unknown) =>
      new DaprError('ERR_SECRET_GET', `failed getting secret with key ${key} from secret store ${storeName}: ${errText(cause)}`, { cause }),
    bulkGet: (cause: unknown) =>
      new DaprError('ERR_SECRET_GET', `failed getting secrets from secret store ${storeName}: ${errText(cause)}`, { cause }),
  };
}

export type SecretErrors = ReturnType<typeof secretErrors>;

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * @module api/universal/secrets
 * The secrets building block, transport-neutral: store lookup, the Configuration's secret scopes
 * (components/secretstores/scopes.ts), the store's outbound resiliency policy and Dapr error
 * construction (daprd's legacy shape).
 */
import type { Secret, SecretStore } from '../../components/secretstores/contract';
import { isSecretAllowed } from '../../components/secretstores/scopes';
import { secretErrors, type SecretErrors } from '../../errors/secrets';
import type { PolicyRunner } from '../../resiliency/runner';
import type { UniversalContext } from './context';
import { outboundRunner, permanentComponentErrors, runOutbound } from './resilient';

export interface GetSecretRequest {
  storeName: string;
  key: string;
  metadata: Record<string, string>;
}

export interface GetBulkSecretRequest {
  storeName: string;
  metadata: Record<string, string>;
}

interface Resolved {
  store: SecretStore;
  errors: SecretErrors;
  runner: PolicyRunner;
}

function resolve(u: UniversalContext, storeName: string): Resolved {
  const errors = secretErrors(storeName);
  const found = u.store.lookup<SecretStore>('secretstores', storeName);
  if (!found.ok) throw found.reason === 'not-configured' ? errors.notConfigured() : errors.notFound();
  return { store: found.component.instance, errors, runner: outboundRunner(u, storeName, 'secretstores') };
}

/** One secret (a map of values), or undefined when the store has none to give. */
export async function getSecret(u: UniversalContext, req: GetSecretRequest): Promise<Secret | undefined> {
  const { store, errors, runner } = resolve(u, req.storeName);
  if (!isSecretAllowed(u.secretScopes, req.storeName, req.key)) throw errors.permissionDenied(req.key);
  try {
    return (await runOutbound(runner, () => store.getSecret(req.key, req.metadata), { errorStatus: permanentComponentErrors })) ?? undefined;
  } catch (err) {
    throw errors.get(req.key, err);
  }
}

/** Every secret the scopes allow (the others are left out silently), or undefined when the store gives none. */
export async function getBulkSecret(u: UniversalContext, req: GetBulkSecretRequest): Promise<Record<string, Secret> | undefined> {
  const { store, errors, runner } = resolve(u, req.storeName);
  let data: Record<string, Secret> | undefined;
  try {
    data = await runOutbound(runner, () => store.bulkGetSecret(req.metadata), { errorStatus: permanentComponentErrors });
  } catch (err) {
    throw errors.bulkGet(err);
  }
  if (data === undefined || data === null) return undefined;
  const allowed: Record<string, Secret> = {};
  for (const [key, secret] of Object.entries(data)) {
    if (isSecretAllowed(u.secretScopes, req.storeName, key)) allowed[key] = secret;
    else u.debug(`access denied by policy to get ${JSON.stringify(key)} from ${JSON.stringify(req.storeName)}`);
  }
  return allowed;
}

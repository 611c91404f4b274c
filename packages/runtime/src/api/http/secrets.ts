/**
 * @module api/http/secrets
 * The secrets API: `GET /v1.0/secrets/{store}/{key}` (one secret: a map of string values) and
 * `GET /v1.0/secrets/{store}/bulk` (every secret, filtered by the Configuration's secret scopes).
 * `metadata.*` query parameters are passed to the store. Errors use daprd's legacy shape.
 */
import type { Secret, SecretStore } from '../../components/secretstores/contract';
import { isSecretAllowed } from '../../components/secretstores/scopes';
import { secretErrors, type SecretErrors } from '../../errors/secrets';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { queryMetadata } from '../../server/endpoints';
import { respondEmpty, respondJSON } from '../../server/respond';

interface Resolved {
  name: string;
  store: SecretStore;
  errors: SecretErrors;
}

function resolveStore(ctx: RequestContext): Resolved {
  const name = ctx.params.secretStoreName ?? '';
  const errors = secretErrors(name);
  const found = ctx.deps.store.lookup<SecretStore>('secretstores', name);
  if (!found.ok) throw found.reason === 'not-configured' ? errors.notConfigured() : errors.notFound();
  return { name, store: found.component.instance, errors };
}

async function getSecret(ctx: RequestContext): Promise<void> {
  const { name, store, errors } = resolveStore(ctx);
  const key = ctx.params.key ?? '';
  if (!isSecretAllowed(ctx.deps.secretScopes, name, key)) throw errors.permissionDenied(key);
  let data: Secret | undefined;
  try {
    data = await store.getSecret(key, queryMetadata(ctx.rawQuery));
  } catch (err) {
    throw errors.get(key, err);
  }
  if (data === undefined || data === null) {
    respondEmpty(ctx.res);
    return;
  }
  respondJSON(ctx.res, 200, data);
}

async function bulkGetSecret(ctx: RequestContext): Promise<void> {
  const { name, store, errors } = resolveStore(ctx);
  let data: Record<string, Secret> | undefined;
  try {
    data = await store.bulkGetSecret(queryMetadata(ctx.rawQuery));
  } catch (err) {
    throw errors.bulkGet(err);
  }
  if (data === undefined || data === null) {
    respondEmpty(ctx.res);
    return;
  }
  const allowed: Record<string, Secret> = {};
  for (const [key, secret] of Object.entries(data)) {
    if (isSecretAllowed(ctx.deps.secretScopes, name, key)) allowed[key] = secret;
    else ctx.deps.logger.debug(`access denied by policy to get ${JSON.stringify(key)} from ${JSON.stringify(name)}`);
  }
  respondJSON(ctx.res, 200, allowed);
}

export function secretsEndpoints(): Endpoint[] {
  return [
    { name: 'GetBulkSecret', group: 'secrets', methods: ['GET'], route: '/v1.0/secrets/:secretStoreName/bulk', handler: bulkGetSecret },
    { name: 'GetSecret', group: 'secrets', methods: ['GET'], route: '/v1.0/secrets/:secretStoreName/:key', handler: getSecret },
  ];
}

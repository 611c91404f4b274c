/**
 * @module api/http/secrets
 * The secrets API over HTTP: `GET /v1.0/secrets/{store}/{key}` (one secret: a map of string values)
 * and `GET /v1.0/secrets/{store}/bulk` (every secret the Configuration's secret scopes allow). A thin
 * adapter over api/universal/secrets.ts; `metadata.*` query parameters are passed to the store.
 */
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { queryMetadata } from '../../server/endpoints';
import { respondEmpty, respondJSON } from '../../server/respond';
import * as secrets from '../universal/secrets';
import { universalOf } from './context';

async function getSecret(ctx: RequestContext): Promise<void> {
  const storeName = ctx.params.secretStoreName ?? '';
  const data = await secrets.getSecret(universalOf(ctx.deps), { storeName, key: ctx.params.key ?? '', metadata: queryMetadata(ctx.rawQuery) });
  if (data === undefined) respondEmpty(ctx.res);
  else respondJSON(ctx.res, 200, data);
}

async function bulkGetSecret(ctx: RequestContext): Promise<void> {
  const storeName = ctx.params.secretStoreName ?? '';
  const data = await secrets.getBulkSecret(universalOf(ctx.deps), { storeName, metadata: queryMetadata(ctx.rawQuery) });
  if (data === undefined) respondEmpty(ctx.res);
  else respondJSON(ctx.res, 200, data);
}

export function secretsEndpoints(): Endpoint[] {
  return [
    { name: 'GetBulkSecret', group: 'secrets', methods: ['GET'], route: '/v1.0/secrets/:secretStoreName/bulk', handler: bulkGetSecret },
    { name: 'GetSecret', group: 'secrets', methods: ['GET'], route: '/v1.0/secrets/:secretStoreName/:key', handler: getSecret },
  ];
}

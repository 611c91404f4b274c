/**
 * @module api/http/tables
 * The one list of HTTP API endpoint tables, one line per building block: server/app.ts serves them
 * and the route fuzzer (server/fuzz.test.ts) derives its routes from them. A new building block adds
 * its table here.
 */
import type { Endpoint } from '../../server/endpoints';
import { bindingsEndpoints } from './bindings';
import { healthzEndpoints } from './healthz';
import { invokeEndpoints } from './invoke';
import { metadataEndpoints } from './metadata';
import { pubsubEndpoints } from './pubsub';
import { secretsEndpoints } from './secrets';
import { shutdownEndpoints } from './shutdown';
import { stateEndpoints } from './state';
import { unimplementedEndpoints } from './unimplemented';

export const httpApiTables: ReadonlyArray<() => Endpoint[]> = [
  healthzEndpoints,
  metadataEndpoints,
  shutdownEndpoints,
  invokeEndpoints,
  stateEndpoints,
  pubsubEndpoints,
  bindingsEndpoints,
  secretsEndpoints,
  unimplementedEndpoints,
];

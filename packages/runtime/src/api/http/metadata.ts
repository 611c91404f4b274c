/**
 * @module api/http/metadata
 * GET /v1.0/metadata (daprd's full shape, answering as soon as the server listens) and
 * PUT /v1.0/metadata/{key} (stored in `extended`), over api/universal/metadata.ts.
 */
import type { IncomingMessage } from 'node:http';
import { isDaprError } from '../../errors/dapr-error';
import { metadataErrors } from '../../errors/metadata';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import type { AppDeps } from '../../server/deps';
import { readBody } from '../../server/body';
import { respondEmpty, respondJSON } from '../../server/respond';
import { MAX_METADATA_VALUE_BYTES, checkMetadataKey, componentsMetadata, setMetadata, type ExtendedMetadata } from '../universal/metadata';

export { MAX_METADATA_KEY_BYTES, MAX_METADATA_KEYS, MAX_METADATA_VALUE_BYTES } from '../universal/metadata';

export function buildMetadata(deps: AppDeps): Record<string, unknown> {
  const o = deps.options;
  const components = componentsMetadata(deps.store);
  const appConnectionProperties: Record<string, unknown> = { protocol: o.appProtocol, channelAddress: o.appChannelAddress };
  if (o.appPort) appConnectionProperties.port = o.appPort;
  if (o.appMaxConcurrency > 0) appConnectionProperties.maxConcurrency = o.appMaxConcurrency;
  if (o.enableAppHealthCheck) {
    appConnectionProperties.health = {
      healthCheckPath: o.appHealthCheckPath,
      healthProbeInterval: `${o.appHealthProbeIntervalS}s`,
      healthProbeTimeout: `${o.appHealthProbeTimeoutMs}ms`,
      healthThreshold: o.appHealthThreshold,
    };
  }
  const body: Record<string, unknown> = {
    id: o.appId,
    runtimeVersion: deps.runtimeVersion,
  };
  if (deps.metadata.enabledFeatures.length > 0) body.enabledFeatures = deps.metadata.enabledFeatures;
  if (components.length > 0) body.components = components;
  body.extended = { ...Object.fromEntries(deps.metadata.extended), daprRuntimeVersion: deps.runtimeVersion };
  if (deps.metadata.subscriptions.length > 0) body.subscriptions = deps.metadata.subscriptions;
  if (deps.metadata.httpEndpoints.length > 0) body.httpEndpoints = deps.metadata.httpEndpoints;
  body.appConnectionProperties = appConnectionProperties;
  body.actorRuntime = { runtimeStatus: 'DISABLED', placement: 'placement: disconnected' };
  // daprd 1.17+: the loaded Resiliency resources by name, omitted when there are none.
  const resiliencies = deps.resiliency?.names() ?? [];
  if (resiliencies.length > 0) body.resiliencies = resiliencies.map((name) => ({ name }));
  return body;
}

async function readValue(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readBody(req, MAX_METADATA_VALUE_BYTES);
  } catch (err) {
    if (isDaprError(err) && err.code === 'ERR_BODY_TOO_LARGE') throw metadataErrors.valueTooLarge(MAX_METADATA_VALUE_BYTES);
    throw err;
  }
}

export function metadataEndpoints(): Endpoint[] {
  return [
    {
      name: 'GetMetadata',
      group: 'metadata',
      methods: ['GET'],
      route: '/v1.0/metadata',
      handler: ({ res, deps }: RequestContext) => respondJSON(res, 200, buildMetadata(deps)),
    },
    {
      name: 'PutMetadata',
      group: 'metadata',
      methods: ['PUT'],
      route: '/v1.0/metadata/:key',
      handler: async ({ req, res, params, deps }: RequestContext) => {
        const key = params.key ?? '';
        const extended: ExtendedMetadata = { extended: deps.metadata.extended, onChange: deps.onExtendedChange };
        checkMetadataKey(extended, key); // before the value is read
        setMetadata(extended, { key, value: await readValue(req) });
        respondEmpty(res);
      },
    },
  ];
}

/**
 * @module api/http/metadata
 * GET /v1.0/metadata (daprd's full shape, answering as soon as the server listens) and
 * PUT /v1.0/metadata/{key} (stored in `extended`).
 */
import type { IncomingMessage } from 'node:http';
import { bindingCapabilities } from '../../bindings/direction';
import { isDaprError } from '../../errors/dapr-error';
import { metadataErrors } from '../../errors/metadata';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import type { AppDeps } from '../../server/deps';
import { readBody } from '../../server/body';
import { respondEmpty, respondJSON } from '../../server/respond';

const ACTOR_FEATURES = ['ETAG', 'TRANSACTIONAL'];

export function buildMetadata(deps: AppDeps): Record<string, unknown> {
  const o = deps.options;
  const components = deps.store.all().map(({ manifest, instance }) => {
    const caps = [...instance.features()];
    if (manifest.category === 'state' && ACTOR_FEATURES.every((f) => caps.includes(f))) caps.push('ACTOR');
    if (manifest.category === 'bindings') caps.push(...bindingCapabilities(manifest, instance));
    const entry: Record<string, unknown> = { name: manifest.name, type: manifest.type };
    if (manifest.version) entry.version = manifest.version;
    if (caps.length > 0) entry.capabilities = caps;
    return entry;
  });
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
  return body;
}

/**
 * Bounds on PUT /v1.0/metadata/{key}: every key and value lives in the sidecar's memory and in each
 * GET /v1.0/metadata answer, so an API caller must not be able to grow them without end.
 */
export const MAX_METADATA_KEY_BYTES = 256;
export const MAX_METADATA_VALUE_BYTES = 64 * 1024;
export const MAX_METADATA_KEYS = 100;

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
        const extended = deps.metadata.extended;
        const keyBytes = Buffer.byteLength(key);
        if (keyBytes > MAX_METADATA_KEY_BYTES) throw metadataErrors.keyTooLong(keyBytes, MAX_METADATA_KEY_BYTES);
        if (key && !extended.has(key) && extended.size >= MAX_METADATA_KEYS) throw metadataErrors.tooManyKeys(MAX_METADATA_KEYS);
        const value = (await readValue(req)).toString('utf8');
        if (key) {
          deps.metadata.extended.set(key, value);
          deps.onExtendedChange?.(key, value);
        }
        respondEmpty(res);
      },
    },
  ];
}

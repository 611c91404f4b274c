/**
 * @module nameresolution
 * Picks the resolver named by Configuration `spec.nameResolution` (self-hosted registry by default).
 */
import { DEFAULT_DAPR_INTERNAL_PORT } from '../defaults';
import { ConfigError } from '../errors/startup';
import { createDnsTemplateResolver } from './dns-template';
import { createSelfHostedResolver } from './self-hosted';
import type { NameResolver } from './types';

export interface NameResolutionSpec {
  component?: string;
  version?: string;
  configuration?: Record<string, unknown>;
}

const KUBERNETES_TEMPLATE = '{appId}-dapr.{namespace}.svc.cluster.local:{port}';

export function createNameResolver(spec: NameResolutionSpec | undefined, home: string, source = 'configuration'): NameResolver {
  const component = (spec?.component ?? '').toLowerCase();
  const cfg = spec?.configuration ?? {};
  const port = cfg.port === undefined ? DEFAULT_DAPR_INTERNAL_PORT : Number(cfg.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ConfigError([`${source}: field "spec.nameResolution.configuration.port" must be a port number, got ${JSON.stringify(cfg.port)}`]);
  }
  switch (component) {
    case '':
    case 'mdns':
    case 'self-hosted':
    case 'sqlite':
      return createSelfHostedResolver(home);
    case 'dns':
    case 'nameformat':
    case 'kubernetes': {
      const template = String(cfg.template ?? cfg.format ?? (component === 'kubernetes' ? KUBERNETES_TEMPLATE : ''));
      if (!template || !/\{appid\}/i.test(template)) {
        throw new ConfigError([`${source}: field "spec.nameResolution.configuration.template" must contain {appId}, e.g. "{appId}-dapr:{port}"`]);
      }
      return createDnsTemplateResolver({ template, port, defaultNamespace: String(cfg.namespace ?? 'default') });
    }
    default:
      throw new ConfigError([
        `${source}: field "spec.nameResolution.component" is "${spec?.component}"; known resolvers: mdns (self-hosted registry), dns, nameformat, kubernetes`,
      ]);
  }
}

export type { NameResolver, SidecarAddress } from './types';
export { listInstances, writeInstance, removeInstance, instancesDir, isAlive, type InstanceInfo } from './instances';
export { runningApps, toRunningApp, type RunningApp } from './running-app';

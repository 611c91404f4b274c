/**
 * @module nameresolution/dns-template
 * Resolves an app id by filling a host template, for compose (`{appId}-dapr:{port}`) and
 * Kubernetes (`{appId}-dapr.{namespace}.svc.cluster.local:{port}`). DNS does the rest.
 */
import type { NameResolver, SidecarAddress } from './types';

export interface DnsTemplateConfig {
  template: string;
  port: number;
  defaultNamespace: string;
}

export function fillTemplate(cfg: DnsTemplateConfig, appId: string, namespace?: string): SidecarAddress {
  const filled = cfg.template
    .replace(/\{appid\}/gi, appId)
    .replace(/\{namespace\}/gi, namespace || cfg.defaultNamespace)
    .replace(/\{port\}/gi, String(cfg.port));
  const m = /^(.*):(\d+)$/.exec(filled);
  if (m && !filled.endsWith(']')) return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return { host: filled, port: cfg.port };
}

export function createDnsTemplateResolver(cfg: DnsTemplateConfig): NameResolver {
  return {
    name: 'dns-template',
    async resolve(appId, namespace) {
      return fillTemplate(cfg, appId, namespace);
    },
    invalidate() {},
  };
}

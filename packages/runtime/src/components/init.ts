/**
 * @module components/init
 * Turns manifests into live instances: resolves metadata values ({uuid}, {appID}, {namespace},
 * envRef), creates each component through the registry, runs init() under its timeout, and adds it to
 * the store. An init failure stops start-up unless the manifest says ignoreErrors.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors/startup';
import type { Registry } from './registry';
import type { ComponentStore } from './store';
import type { ComponentManifest, InitContext, Logger, MetadataMap } from './types';

export interface InitComponentsOptions {
  registry: Registry;
  store: ComponentStore;
  ctx: InitContext;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  childLogger(name: string): Logger;
}

export function resolveMetadata(m: ComponentManifest, ctx: InitContext, env: NodeJS.ProcessEnv): MetadataMap {
  const out: MetadataMap = {};
  for (const item of m.metadata) {
    if (item.secretKeyRef) {
      throw new ConfigError([
        `${m.file}: component "${m.name}": metadata "${item.name}" uses secretKeyRef ${item.secretKeyRef.name}/${item.secretKeyRef.key}, ` +
          'but no secret store is available to resolve it; use value or envRef',
      ]);
    }
    const raw = item.envRef !== undefined ? (env[item.envRef] ?? '') : (item.value ?? '');
    out[item.name] = applyTemplates(raw, ctx);
  }
  return out;
}

function applyTemplates(value: string, ctx: InitContext): string {
  if (!value.includes('{')) return value;
  return value
    .replace(/\{uuid\}/g, () => randomUUID())
    .replace(/\{appID\}/g, ctx.appId)
    .replace(/\{namespace\}/g, ctx.namespace ? `${ctx.namespace}.${ctx.appId}` : ctx.appId);
}

export async function initComponents(manifests: readonly ComponentManifest[], o: InitComponentsOptions): Promise<void> {
  const issues: string[] = [];
  for (const m of manifests) {
    const at = `${m.file}: component "${m.name}" (${m.type}/${m.version || 'v1'})`;
    try {
      if (!o.registry.has(m.type, m.version)) {
        throw new ConfigError([
          `${at}: field "spec.type": component type ${m.type}${m.version ? `/${m.version}` : ''} is not registered; known types: ${o.registry.knownTypes().join(', ')}`,
        ]);
      }
      const metadata = resolveMetadata(m, o.ctx, o.env);
      const instance = o.registry.create(m.type, m.version, { logger: o.childLogger(m.name) });
      await withTimeout(instance.init(metadata, o.ctx), m.initTimeoutMs, `init timed out after ${m.initTimeoutMs} ms`);
      o.store.add({ manifest: m, instance });
      o.logger.info({ component: m.name, type: m.type }, `Component loaded: ${m.name} (${m.type}/${m.version || 'v1'})`);
    } catch (err) {
      const message = err instanceof ConfigError ? err.issues.join('\n') : `${at}: ${(err as Error).message}`;
      if (m.ignoreErrors) {
        o.logger.warn({ component: m.name }, `ignoring component that failed to load (ignoreErrors: true): ${message}`);
        continue;
      }
      issues.push(message);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

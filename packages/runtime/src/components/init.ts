/**
 * @module components/init
 * Turns manifests into live instances: resolves metadata values ({uuid}, {appID}, {namespace},
 * envRef, secretKeyRef), creates each component through the registry, runs init() under its
 * timeout, and adds it to the store. An init failure stops start-up unless the manifest says
 * ignoreErrors.
 *
 * Secret stores are initialised first, so that the other components can take metadata values from
 * them: `secretKeyRef {name, key}` reads secret `name` from the store named by the component's
 * `auth.secretStore` and uses its entry `key`. As in daprd's self-hosted mode there is no default
 * store (Kubernetes mode defaults to the `kubernetes` store, which does not exist here). Secret
 * values never appear in logs or error messages: a component's init error is scrubbed of them.
 * The metadata daprd reads itself (key prefix, topic scoping, binding direction) is parsed once
 * here (components/settings.ts), before init, and kept on the store entry.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors/startup';
import type { Registry } from './registry';
import { parseSettings } from './settings';
import type { Secret, SecretStore } from './secretstores/contract';
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

/** Where secretKeyRef values come from: the loaded secret stores, and those that failed to load. */
export interface SecretSource {
  store: ComponentStore;
  /** Secret stores that failed to initialise (named in the error instead of "not loaded"). */
  failed?: ReadonlySet<string>;
  logger?: Logger;
}

export interface ResolvedMetadata {
  metadata: MetadataMap;
  /** The values that came from secret stores (to keep them out of messages). */
  secretValues: string[];
}

/** Secret values shorter than this are not scrubbed from messages (too likely to hit ordinary text). */
const MIN_REDACT_LENGTH = 4;
/** Metadata fields whose values are scrubbed from messages even when written inline in the YAML. */
const SECRET_FIELD = /(password|passwd|secret|secretkey|token|credentials?|apikey|accesskey|privatekey|clientkey)$/i;

/** The values to keep out of messages: those from secret stores and those of secret-named fields. */
export function secretsOf(resolved: ResolvedMetadata): string[] {
  const inline = Object.entries(resolved.metadata).filter(([k]) => SECRET_FIELD.test(k)).map(([, v]) => v);
  return [...resolved.secretValues, ...inline];
}

export async function resolveMetadata(
  m: ComponentManifest,
  ctx: InitContext,
  env: NodeJS.ProcessEnv,
  secrets?: SecretSource,
): Promise<ResolvedMetadata> {
  const out: MetadataMap = {};
  const secretValues: string[] = [];
  const fetched = new Map<string, Secret>();
  const at = `${m.file}: component "${m.name}"`;
  for (const [i, item] of m.metadata.entries()) {
    if (item.secretKeyRef) {
      const value = await resolveSecretKeyRef(m, item.name, i, item.secretKeyRef, secrets, fetched, at);
      if (value === '') secrets?.logger?.warn(`${at}: metadata "${item.name}" (secretKeyRef ${item.secretKeyRef.name}/${item.secretKeyRef.key}) resolved to an empty value`);
      else secretValues.push(value);
      out[item.name] = value;
      continue;
    }
    const raw = item.envRef !== undefined ? (env[item.envRef] ?? '') : (item.value ?? '');
    out[item.name] = applyTemplates(raw, ctx);
  }
  return { metadata: out, secretValues };
}

async function resolveSecretKeyRef(
  m: ComponentManifest,
  field: string,
  index: number,
  ref: { name: string; key: string },
  secrets: SecretSource | undefined,
  fetched: Map<string, Secret>,
  at: string,
): Promise<string> {
  const where = `${at}: metadata "${field}" (spec.metadata[${index}].secretKeyRef, secret "${ref.name}", key "${ref.key}")`;
  const storeName = m.secretStore;
  if (!storeName) {
    throw new ConfigError([
      `${where}: the component has no auth.secretStore; in self-hosted mode there is no default secret store, ` +
        'so add "auth: {secretStore: <name of a secretstores.* component>}" to the component',
    ]);
  }
  const found = secrets?.store.lookup<SecretStore>('secretstores', storeName);
  if (!found?.ok) {
    const loaded = secrets?.store.all().filter((c) => c.manifest.category === 'secretstores').map((c) => c.manifest.name) ?? [];
    const why =
      secrets?.failed?.has(storeName) ? 'failed to initialise (see its own error)'
      : storeName === 'kubernetes' ? 'is not loaded (daprd provides it only in Kubernetes mode; declare a secretstores.* component instead)'
      : 'is not loaded';
    throw new ConfigError([
      `${where}: secret store "${storeName}" (auth.secretStore) ${why}; loaded secret stores: ${loaded.length > 0 ? loaded.join(', ') : 'none'}`,
    ]);
  }
  let secret = fetched.get(ref.name);
  if (!secret) {
    try {
      secret = await found.component.instance.getSecret(ref.name, m.namespace ? { namespace: m.namespace } : {});
    } catch (err) {
      throw new ConfigError([`${where}: cannot get secret "${ref.name}" from secret store "${storeName}": ${(err as Error).message}`]);
    }
    fetched.set(ref.name, secret);
  }
  const value = secret[ref.key];
  if (value === undefined) {
    const keys = Object.keys(secret);
    throw new ConfigError([
      `${where}: secret "${ref.name}" in secret store "${storeName}" has no key "${ref.key}"; its keys: ${keys.length > 0 ? keys.join(', ') : 'none'}`,
    ]);
  }
  return value;
}

function applyTemplates(value: string, ctx: InitContext): string {
  if (!value.includes('{')) return value;
  return value
    .replace(/\{uuid\}/g, () => randomUUID())
    .replace(/\{appID\}/g, ctx.appId)
    .replace(/\{namespace\}/g, ctx.namespace ? `${ctx.namespace}.${ctx.appId}` : ctx.appId);
}

/** Replaces every occurrence of a secret value in a message. */
export function redact(message: string, secretValues: readonly string[]): string {
  let out = message;
  for (const v of secretValues) if (v.length >= MIN_REDACT_LENGTH) out = out.split(v).join('***');
  return out;
}

/**
 * Secret stores first. A secret store that takes metadata from another secret store declared
 * later waits for it (one pass per store at most); everything else keeps the manifest order.
 */
export function initOrder(manifests: readonly ComponentManifest[]): ComponentManifest[] {
  const stores = manifests.filter((m) => m.category === 'secretstores');
  const names = new Set(stores.map((m) => m.name));
  const ordered: ComponentManifest[] = [];
  const done = new Set<string>();
  let pending = stores;
  while (pending.length > 0) {
    const ready = pending.filter((m) => !needsPendingStore(m, names, done));
    const next = ready.length > 0 ? ready : pending; // a cycle: let the errors say so
    for (const m of next) {
      ordered.push(m);
      done.add(m.name);
    }
    pending = pending.filter((m) => !next.includes(m));
  }
  return [...ordered, ...manifests.filter((m) => m.category !== 'secretstores')];
}

function needsPendingStore(m: ComponentManifest, storeNames: ReadonlySet<string>, done: ReadonlySet<string>): boolean {
  return !!m.secretStore && m.secretStore !== m.name && storeNames.has(m.secretStore) && !done.has(m.secretStore) && m.metadata.some((i) => i.secretKeyRef);
}

export async function initComponents(manifests: readonly ComponentManifest[], o: InitComponentsOptions): Promise<void> {
  const issues: string[] = [];
  const failedStores = new Set<string>();
  const secrets: SecretSource = { store: o.store, failed: failedStores, logger: o.logger };
  for (const m of initOrder(manifests)) {
    const at = `${m.file}: component "${m.name}" (${m.type}/${m.version || 'v1'})`;
    let secretValues: string[] = [];
    try {
      if (!o.registry.has(m.type, m.version)) {
        throw new ConfigError([
          `${at}: field "spec.type": component type ${m.type}${m.version ? `/${m.version}` : ''} is not registered; known types: ${o.registry.knownTypes().join(', ')}`,
        ]);
      }
      const resolved = await resolveMetadata(m, o.ctx, o.env, secrets);
      secretValues = secretsOf(resolved);
      const settings = parseSettings(m, resolved.metadata);
      const instance = o.registry.create(m.type, m.version, { logger: o.childLogger(m.name) });
      await withTimeout(instance.init(resolved.metadata, o.ctx), m.initTimeoutMs, `init timed out after ${m.initTimeoutMs} ms`);
      o.store.add({ manifest: m, instance, settings });
      o.logger.info({ component: m.name, type: m.type }, `Component loaded: ${m.name} (${m.type}/${m.version || 'v1'})`);
    } catch (err) {
      if (m.category === 'secretstores') failedStores.add(m.name);
      const message = redact(err instanceof ConfigError ? err.issues.join('\n') : `${at}: ${(err as Error).message}`, secretValues);
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

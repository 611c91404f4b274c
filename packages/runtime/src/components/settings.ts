/**
 * @module components/settings
 * The metadata daprd itself reads on a component (not the component's own fields), parsed once when
 * the component is initialised and kept on its store entry: the state key prefix, pub/sub topic
 * scoping, a binding's direction and input route. One pure parser per category; handlers read the
 * typed result instead of the YAML.
 *
 * Only what daprd rejects fails start-up: a custom keyPrefix containing `||` (dapr/dapr
 * `pkg/components/state/state_config.go`). Topic scoping lists are never errors in daprd (entries
 * that do not parse are ignored, `pkg/scopes`), so they are not errors here either.
 */
import { ConfigError } from '../errors/startup';
import type { Category, ComponentManifest, MetadataMap } from './types';

/** The key prefix strategy; `custom` keeps the value as written. */
export type KeyPrefix =
  | { kind: 'appid' }
  | { kind: 'name' }
  | { kind: 'namespace' }
  | { kind: 'none' }
  | { kind: 'custom'; value: string };

export interface StateSettings {
  keyPrefix: KeyPrefix;
}

export interface PubsubSettings {
  /** `publishingScopes` by app id (`app1=t1,t2;app2=`); an app listed with nothing allowed maps to `['']`. */
  publishingScopes: ReadonlyMap<string, readonly string[]>;
  /** `subscriptionScopes`, the same shape. */
  subscriptionScopes: ReadonlyMap<string, readonly string[]>;
  allowedTopics: readonly string[];
  protectedTopics: readonly string[];
}

export interface BindingSettings {
  /** The `direction` entries (trimmed, lower case), or undefined when the metadata is absent. */
  direction?: readonly string[];
  /** The `route` metadata (trimmed), or undefined when absent or empty. */
  route?: string;
}

/** Settings by category; the entry for the component's own category is set, the others are not. */
export interface ComponentSettings {
  state?: StateSettings;
  pubsub?: PubsubSettings;
  bindings?: BindingSettings;
}

/** Case-insensitive lookup, as daprd matches these names. */
function field(metadata: MetadataMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(metadata)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function parseStateSettings(metadata: MetadataMap): StateSettings {
  const value = field(metadata, 'keyPrefix') ?? '';
  if (value === '') return { keyPrefix: { kind: 'appid' } };
  const strategy = value.toLowerCase();
  if (strategy === 'appid' || strategy === 'name' || strategy === 'namespace' || strategy === 'none') return { keyPrefix: { kind: strategy } };
  if (value.includes('||')) throw new Error(`metadata "keyPrefix": input key/keyPrefix '${value}' can't contain '||'`);
  return { keyPrefix: { kind: 'custom', value } };
}

/** Dapr's scoped-topic list `app1=t1,t2;app2=` (spaces removed; an app listed twice gets both lists). */
export function parseScopedTopics(value: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!value) return out;
  for (const entry of value.replace(/ /g, '').split(';')) {
    const [app = '', list = ''] = entry.split('=');
    const topics = out.get(app) ?? [];
    // `app2=` (or a bare `app2`) yields one empty topic: listed with nothing allowed.
    topics.push(...list.split(','));
    out.set(app, topics);
  }
  return out;
}

function csv(value: string | undefined): string[] {
  return value ? value.replace(/ /g, '').split(',').filter((t) => t !== '') : [];
}

export function parsePubsubSettings(metadata: MetadataMap): PubsubSettings {
  return {
    publishingScopes: parseScopedTopics(field(metadata, 'publishingScopes')),
    subscriptionScopes: parseScopedTopics(field(metadata, 'subscriptionScopes')),
    allowedTopics: csv(field(metadata, 'allowedTopics')),
    protectedTopics: csv(field(metadata, 'protectedTopics')),
  };
}

export function parseBindingSettings(metadata: MetadataMap): BindingSettings {
  const out: BindingSettings = {};
  const direction = field(metadata, 'direction');
  if (direction !== undefined) out.direction = direction.split(',').map((d) => d.trim().toLowerCase());
  const route = field(metadata, 'route')?.trim();
  if (route) out.route = route;
  return out;
}

/** One parser per category that has runtime-read settings; a new category adds a line here (or none). */
const PARSERS: { [C in Category]?: (metadata: MetadataMap) => NonNullable<ComponentSettings[C & keyof ComponentSettings]> } = {
  state: parseStateSettings,
  pubsub: parsePubsubSettings,
  bindings: parseBindingSettings,
};

/**
 * The settings of one component from its resolved metadata. A misconfiguration is a ConfigError
 * naming the file and the component.
 */
export function parseSettings(manifest: ComponentManifest, metadata: MetadataMap): ComponentSettings {
  const parse = PARSERS[manifest.category];
  if (!parse) return {};
  try {
    return { [manifest.category]: parse(metadata) };
  } catch (err) {
    throw new ConfigError([`${manifest.file}: component "${manifest.name}" (${manifest.type}): ${(err as Error).message}`]);
  }
}

/** The manifest's literal metadata values (for entries added without init, e.g. in tests). */
export function literalMetadata(manifest: ComponentManifest): MetadataMap {
  const out: MetadataMap = {};
  for (const item of manifest.metadata) if (item.value !== undefined) out[item.name] = item.value;
  return out;
}

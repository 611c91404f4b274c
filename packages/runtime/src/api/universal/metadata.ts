/**
 * @module api/universal/metadata
 * The metadata building block, transport-neutral: the components as /v1.0/metadata lists them
 * (capabilities, with ACTOR for stores that could hold actor state and the binding sides from the
 * settings parsed at init), and the checked writes to the extended (custom) metadata.
 */
import { bindingCapabilities } from '../../bindings/direction';
import type { ComponentStore } from '../../components/store';
import { metadataErrors } from '../../errors/metadata';

/**
 * Bounds on extended metadata: every key and value lives in the sidecar's memory and in each
 * metadata answer, so an API caller must not be able to grow them without end.
 */
export const MAX_METADATA_KEY_BYTES = 256;
export const MAX_METADATA_VALUE_BYTES = 64 * 1024;
export const MAX_METADATA_KEYS = 100;

const ACTOR_FEATURES = ['ETAG', 'TRANSACTIONAL'];

export interface ComponentMetadata {
  name: string;
  type: string;
  version?: string;
  capabilities?: string[];
}

/** Every loaded component, in load order. */
export function componentsMetadata(store: ComponentStore): ComponentMetadata[] {
  return store.all().map(({ manifest, instance, settings }) => {
    const caps = [...instance.features()];
    if (manifest.category === 'state' && ACTOR_FEATURES.every((f) => caps.includes(f))) caps.push('ACTOR');
    if (manifest.category === 'bindings') caps.push(...bindingCapabilities(manifest, instance, settings.bindings));
    const entry: ComponentMetadata = { name: manifest.name, type: manifest.type };
    if (manifest.version) entry.version = manifest.version;
    if (caps.length > 0) entry.capabilities = caps;
    return entry;
  });
}

/** The extended metadata and who hears of a change. */
export interface ExtendedMetadata {
  extended: Map<string, string>;
  onChange?(key: string, value: string): void;
}

/** ERR_METADATA_LIMIT when `key` is too long or would be one key too many (adapters check it before reading the value). */
export function checkMetadataKey(m: ExtendedMetadata, key: string): void {
  const keyBytes = Buffer.byteLength(key);
  if (keyBytes > MAX_METADATA_KEY_BYTES) throw metadataErrors.keyTooLong(keyBytes, MAX_METADATA_KEY_BYTES);
  if (key && !m.extended.has(key) && m.extended.size >= MAX_METADATA_KEYS) throw metadataErrors.tooManyKeys(MAX_METADATA_KEYS);
}

/** Sets one extended metadata entry; an empty key is accepted and ignored, as daprd does. */
export function setMetadata(m: ExtendedMetadata, req: { key: string; value: Buffer }): void {
  checkMetadataKey(m, req.key);
  if (req.value.length > MAX_METADATA_VALUE_BYTES) throw metadataErrors.valueTooLarge(MAX_METADATA_VALUE_BYTES);
  if (!req.key) return;
  const value = req.value.toString('utf8');
  m.extended.set(req.key, value);
  m.onChange?.(req.key, value);
}

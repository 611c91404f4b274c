/**
 * @module components/metadata-check
 * Start-up warnings for component metadata names that neither the component declares nor daprd
 * itself reads. Components ignore such entries, so a typo (`tablName` for `tableName`) would
 * otherwise go unnoticed; the warning names the file, the component and the closest known field.
 */
import { BINDING_RUNTIME_FIELDS } from './bindings/runtime-fields';
import { CATALOG, findCatalogEntry, type CatalogEntry } from './catalog';
import { closestName } from './suggest';
import type { ComponentManifest } from './types';

/**
 * Metadata daprd reads on components itself, whatever their type: state key prefix, actor state
 * store, outbox and encryption settings; pub/sub consumer group and topic scoping; binding direction
 * and route (dapr/dapr `pkg/components/state/state_config.go`, `pkg/runtime/pubsub/outbox.go`,
 * `pkg/encryption`, `pkg/scopes`, `pkg/runtime/processor/{pubsub,binding}`). Never reported.
 */
export const RUNTIME_METADATA_NAMES: readonly string[] = [
  'keyPrefix',
  'actorStateStore',
  'outboxPublishPubsub',
  'outboxPublishTopic',
  'outboxPubsub',
  'outboxDiscardWhenMissingState',
  'primaryEncryptionKey',
  'secondaryEncryptionKey',
  'consumerID',
  'publishingScopes',
  'subscriptionScopes',
  'allowedTopics',
  'protectedTopics',
  ...BINDING_RUNTIME_FIELDS.map((f) => f.name),
];

/** One warning per metadata entry the component's type does not know (names compare case-insensitively, as decoding does). */
export function unknownMetadataWarnings(manifest: ComponentManifest, catalog: readonly CatalogEntry[] = CATALOG): string[] {
  const entry = findCatalogEntry(manifest.type, catalog);
  if (!entry) return []; // an unregistered type fails at init with its own error
  const declared = [...new Set(entry.metadata.map((f) => f.name))];
  const aliases = entry.metadata.flatMap((f) => f.aliases ?? []);
  const known = new Set([...declared, ...aliases, ...RUNTIME_METADATA_NAMES].map((n) => n.toLowerCase()));
  return manifest.metadata
    .filter((item) => !known.has(item.name.toLowerCase()))
    .map((item) => {
      const hint = closestName(item.name, [...declared, ...RUNTIME_METADATA_NAMES]);
      const help =
        hint ? `did you mean "${hint}"?`
        : declared.length > 0 ? `its fields: ${declared.join(', ')}`
        : `${entry.type} takes no metadata`;
      return `${manifest.file}: component "${manifest.name}" (${manifest.type}): unknown metadata field "${item.name}" is ignored; ${help}`;
    });
}

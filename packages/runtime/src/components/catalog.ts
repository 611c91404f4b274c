/**
 * @module components/catalog
 * The catalogue of built-in component types (names with aliases, category, what each needs, static
 * capabilities and operations, metadata fields), read from their descriptors (./descriptors.ts), and
 * what is derived from an entry: the server it needs, whether it is embedded or durable. Loading it
 * loads no driver. docs/components.md is generated from it (scripts/components-doc) and checked
 * against it (catalog.test.ts), as docs/errors.md is against codes.ts.
 */
import type { ComponentDescriptor, Storage } from './descriptor';
import { DESCRIPTORS } from './descriptors';

export type { BindingDirection, Storage } from './descriptor';

/** A catalogue entry: a descriptor without its loader (what the docs, checks and tools read). */
export type CatalogEntry = Omit<ComponentDescriptor, 'load'>;

/** The server a component needs, if any. */
export function serverNeeded(entry: CatalogEntry): 'Redis' | 'PostgreSQL' | undefined {
  if (entry.storage === 'redis') return 'Redis';
  if (entry.storage === 'postgresql') return 'PostgreSQL';
  return undefined;
}

/** Embedded: keeps its data in a local file, with no server to run. */
export function isEmbedded(entry: CatalogEntry): boolean {
  return entry.storage === 'sqlite' || entry.storage === 'files';
}

/** Durable: what it keeps survives a sidecar restart (undefined when it keeps nothing, as secret stores, which only read). */
export function isDurable(entry: CatalogEntry): boolean | undefined {
  if (entry.storage === 'none' || entry.category === 'secretstores') return undefined;
  return entry.storage !== 'memory';
}

/** How the docs name each storage kind (the summary table's "keeps data in" column). */
export const STORAGE_LABELS: Readonly<Record<Storage, string>> = {
  memory: 'sidecar memory',
  sqlite: 'SQLite file (embedded)',
  files: 'local files (embedded)',
  redis: 'Redis server',
  postgresql: 'PostgreSQL server',
  none: 'nothing',
};

export const CATALOG: readonly CatalogEntry[] = DESCRIPTORS;

/** Every registered type name (main names and aliases), lower case, sorted. */
export function catalogTypeNames(catalog: readonly CatalogEntry[] = CATALOG): string[] {
  return catalog.flatMap((e) => [e.type, ...e.aliases]).map((t) => t.toLowerCase()).sort();
}

/** The entry for a type name or alias (case-insensitive). */
export function findCatalogEntry(type: string, catalog: readonly CatalogEntry[] = CATALOG): CatalogEntry | undefined {
  const t = type.toLowerCase();
  return catalog.find((e) => e.type === t || e.aliases.includes(t));
}

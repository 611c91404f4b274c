/**
 * @module components/descriptor
 * What a built-in component type declares about itself, once, in its own folder (`descriptor.ts`):
 * names, category, what it keeps and needs, static capabilities, binding sides and operations, its
 * metadata fields, and how to load its factory. The registry, the catalogue, the docs table and the
 * tests are all derived from the list in ./descriptors.ts.
 */
import type { FieldSpec } from './metadata';
import type { Category, Component, ComponentFactory } from './types';

/**
 * Where a component keeps its data: `memory` (the sidecar process; lost on exit), `sqlite` and
 * `files` (embedded: a file on this machine, durable, no server), `redis` / `postgresql` (a server
 * you run), `none` (keeps nothing: a timer, outgoing HTTP calls, the environment).
 */
export type Storage = 'memory' | 'sqlite' | 'files' | 'redis' | 'postgresql' | 'none';

export type BindingDirection = 'input' | 'output';

export interface ComponentDescriptor<T extends Component = Component> {
  /** The main type name, as written in `spec.type`. */
  type: string;
  /** Other type names registered for the same factory. */
  aliases: readonly string[];
  /** The `spec.version` it answers to (`v1`; an empty version and `v0` mean the same). */
  version: string;
  category: Category;
  /** One line: what it is. */
  summary: string;
  storage: Storage;
  /** What a fresh instance's features() reports (Dapr's capability names); a test holds them equal. */
  features: readonly string[];
  /** Capabilities that depend on the metadata, in words (shown in the docs, not checked). */
  featureNote?: string;
  /** Bindings: the sides the component has (daprd's `direction` picks among them). */
  directions?: readonly BindingDirection[];
  /** Output bindings: the operations it accepts. */
  operations?: readonly string[];
  metadata: readonly FieldSpec[];
  /**
   * The factory. Components with a driver (better-sqlite3, ioredis, pg) `require` their index module
   * here, so the driver is loaded only when a manifest uses them: the three cost ~26 MB of RSS and
   * ~100 ms of start-up (BENCHMARKS.md). A descriptor module never imports such an index module.
   */
  load(): ComponentFactory<T>;
}

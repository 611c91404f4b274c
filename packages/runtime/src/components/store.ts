/**
 * @module components/store
 * ComponentStore: the configured, initialised instances by category and name. The registry knows
 * types; the store knows instances. Handlers ask the store.
 */
import { literalMetadata, parseSettings, type ComponentSettings } from './settings';
import type { Category, Component, ComponentManifest } from './types';

export interface LoadedComponent<T extends Component = Component> {
  manifest: ComponentManifest;
  instance: T;
  /** The runtime-read metadata (key prefix, topic scoping, binding direction), parsed at init. */
  settings: ComponentSettings;
}

/** What add() takes: without settings they are parsed from the manifest's literal values. */
export type NewComponent = Omit<LoadedComponent, 'settings'> & { settings?: ComponentSettings };

export type Lookup<T extends Component> = { ok: true; component: LoadedComponent<T> } | { ok: false; reason: 'not-configured' | 'not-found' };

export class ComponentStore {
  private readonly byCategory = new Map<Category, Map<string, LoadedComponent>>();

  add(added: NewComponent): void {
    const entry: LoadedComponent = { ...added, settings: added.settings ?? parseSettings(added.manifest, literalMetadata(added.manifest)) };
    let map = this.byCategory.get(entry.manifest.category);
    if (!map) {
      map = new Map();
      this.byCategory.set(entry.manifest.category, map);
    }
    if (map.has(entry.manifest.name)) {
      throw new Error(`duplicate ${entry.manifest.category} component name "${entry.manifest.name}"`);
    }
    map.set(entry.manifest.name, entry);
  }

  /** Distinguishes "no component of this category at all" from "this name is unknown". */
  lookup<T extends Component>(category: Category, name: string): Lookup<T> {
    const map = this.byCategory.get(category);
    if (!map || map.size === 0) return { ok: false, reason: 'not-configured' };
    const component = map.get(name);
    return component ? { ok: true, component: component as LoadedComponent<T> } : { ok: false, reason: 'not-found' };
  }

  all(): LoadedComponent[] {
    return [...this.byCategory.values()].flatMap((m) => [...m.values()]);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.all().map((c) => c.instance.close()));
    this.byCategory.clear();
  }
}

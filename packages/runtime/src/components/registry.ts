/**
 * @module components/registry
 * One generic, versioned registry for every category, keyed `category.type/version` (lower case).
 * An empty version, `v0` and `v1` all mean the initial version.
 */
import { ComponentTypeNotFoundError } from './errors';
import type { Component, ComponentFactory } from './types';

export function normaliseVersion(version: string | undefined): string {
  const v = (version ?? '').trim().toLowerCase();
  return v === '' || v === 'v0' || v === 'v1' ? 'v1' : v;
}

export class Registry {
  private readonly factories = new Map<string, ComponentFactory>();

  /** Registers one factory under a type (with aliases). Duplicates are programming errors. */
  register(types: string | readonly string[], factory: ComponentFactory, version = 'v1'): this {
    for (const type of typeof types === 'string' ? [types] : types) {
      const key = `${type.toLowerCase()}/${normaliseVersion(version)}`;
      if (this.factories.has(key)) throw new Error(`programming error: component ${key} registered twice`);
      this.factories.set(key, factory);
    }
    return this;
  }

  has(type: string, version?: string): boolean {
    return this.factories.has(`${type.toLowerCase()}/${normaliseVersion(version)}`);
  }

  create<T extends Component = Component>(type: string, version: string | undefined, ctx: Parameters<ComponentFactory>[0]): T {
    const factory = this.factories.get(`${type.toLowerCase()}/${normaliseVersion(version)}`);
    if (!factory) throw new ComponentTypeNotFoundError(type, version ?? '', this.knownTypes());
    return factory(ctx) as T;
  }

  /** `state.in-memory/v1`, … sorted, for error messages and docs. */
  knownTypes(): string[] {
    return [...this.factories.keys()].sort();
  }
}

/**
 * @module components/builtin
 * Registers every built-in component type from the list in ./descriptors.ts, explicitly (no import
 * side effects). Each factory is loaded on first use, so a component with a driver (better-sqlite3,
 * ioredis, pg) costs nothing until a manifest uses it (BENCHMARKS.md).
 */
import type { ComponentDescriptor } from './descriptor';
import { DESCRIPTORS } from './descriptors';
import { Registry } from './registry';
import type { ComponentFactory } from './types';

/** The descriptor's factory, loaded when the first instance is created. */
function lazyFactory(descriptor: ComponentDescriptor): ComponentFactory {
  let factory: ComponentFactory | undefined;
  return (ctx) => (factory ??= descriptor.load())(ctx);
}

export function registerBuiltins(registry: Registry = new Registry(), descriptors: readonly ComponentDescriptor[] = DESCRIPTORS): Registry {
  for (const d of descriptors) registry.register([d.type, ...d.aliases], lazyFactory(d), d.version);
  return registry;
}

/**
 * @module components/builtin
 * Every built-in component, one line each, registered explicitly (no import side effects).
 */
import { Registry } from './registry';
import { createInMemoryStateStore } from './state/in-memory';
import { createInMemoryPubSub } from './pubsub/in-memory';

export function registerBuiltins(registry: Registry = new Registry()): Registry {
  registry.register('state.in-memory', createInMemoryStateStore);
  registry.register('pubsub.in-memory', createInMemoryPubSub);
  return registry;
}

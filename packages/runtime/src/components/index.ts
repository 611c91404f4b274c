/** @module components Public entry: the component contracts, descriptors, registry, store and loader. */
export * from './types';
export * from './errors';
export { Registry, normaliseVersion } from './registry';
export { ComponentStore, type LoadedComponent } from './store';
export { registerBuiltins } from './builtin';
export type { BindingDirection, ComponentDescriptor, Storage } from './descriptor';
export { DESCRIPTORS } from './descriptors';
export { loadResources, listResourceFiles, type LoadedResources, type RawResource } from './loader';
export { decodeMetadata, parseDurationMs, type FieldSpec } from './metadata';
export * from './state/contract';
export * from './pubsub/contract';
export * from './bindings/contract';
export * from './secretstores/contract';

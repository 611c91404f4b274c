/**
 * @module bindings/direction
 * Which sides of a bindings component daprd uses (§7.2): the `direction` metadata (`input`, `output`,
 * `input, output`; trimmed, case-insensitive) limits them; without it every side the component
 * implements is used. Also the input route (`route` metadata, default the component name).
 */
import { isInputBinding, isOutputBinding } from '../components/bindings/contract';
import type { Component, ComponentManifest } from '../components/types';

export interface BindingSides {
  input: boolean;
  output: boolean;
  /** `direction` names `input` explicitly: the OPTIONS probe is skipped. */
  explicitInput: boolean;
}

function metaValue(manifest: ComponentManifest, name: string): string | undefined {
  const item = manifest.metadata.find((m) => m.name.toLowerCase() === name);
  return item?.value;
}

export function bindingSides(manifest: ComponentManifest, instance: Component): BindingSides {
  const direction = metaValue(manifest, 'direction');
  const listed = direction === undefined ? undefined : direction.split(',').map((d) => d.trim().toLowerCase());
  const wants = (side: string): boolean => listed === undefined || listed.includes(side);
  return {
    input: isInputBinding(instance) && wants('input'),
    output: isOutputBinding(instance) && wants('output'),
    explicitInput: listed !== undefined && listed.includes('input'),
  };
}

/** The app path events are posted to, without the leading `/`. */
export function inputRoute(manifest: ComponentManifest): string {
  const route = metaValue(manifest, 'route')?.trim();
  return (route ? route : manifest.name).replace(/^\/+/, '');
}

/** INPUT_BINDING / OUTPUT_BINDING, as /v1.0/metadata lists them for a bindings component. */
export function bindingCapabilities(manifest: ComponentManifest, instance: Component): string[] {
  const sides = bindingSides(manifest, instance);
  const caps: string[] = [];
  if (sides.input) caps.push('INPUT_BINDING');
  if (sides.output) caps.push('OUTPUT_BINDING');
  return caps;
}

/**
 * @module bindings/direction
 * Which sides of a bindings component daprd uses (§7.2): the `direction` metadata (`input`, `output`,
 * `input, output`; trimmed, case-insensitive) limits them; without it every side the component
 * implements is used. Also the input route (`route` metadata, default the component name). Both come
 * from the settings parsed at init (components/settings.ts); given only a manifest, they are parsed
 * from its literal values.
 */
import { isInputBinding, isOutputBinding } from '../components/bindings/contract';
import { literalMetadata, parseBindingSettings, type BindingSettings } from '../components/settings';
import type { Component, ComponentManifest } from '../components/types';

export interface BindingSides {
  input: boolean;
  output: boolean;
  /** `direction` names `input` explicitly: the OPTIONS probe is skipped. */
  explicitInput: boolean;
}

function settingsOf(manifest: ComponentManifest, settings?: BindingSettings): BindingSettings {
  return settings ?? parseBindingSettings(literalMetadata(manifest));
}

export function bindingSides(manifest: ComponentManifest, instance: Component, settings?: BindingSettings): BindingSides {
  const listed = settingsOf(manifest, settings).direction;
  const wants = (side: string): boolean => listed === undefined || listed.includes(side);
  return {
    input: isInputBinding(instance) && wants('input'),
    output: isOutputBinding(instance) && wants('output'),
    explicitInput: listed !== undefined && listed.includes('input'),
  };
}

/** The app path events are posted to, without the leading `/`. */
export function inputRoute(manifest: ComponentManifest, settings?: BindingSettings): string {
  return (settingsOf(manifest, settings).route ?? manifest.name).replace(/^\/+/, '');
}

/** INPUT_BINDING / OUTPUT_BINDING, as /v1.0/metadata lists them for a bindings component. */
export function bindingCapabilities(manifest: ComponentManifest, instance: Component, settings?: BindingSettings): string[] {
  const sides = bindingSides(manifest, instance, settings);
  const caps: string[] = [];
  if (sides.input) caps.push('INPUT_BINDING');
  if (sides.output) caps.push('OUTPUT_BINDING');
  return caps;
}

/**
 * @module components/secretstores/local-env/metadata
 * secretstores.local.env metadata (components-contrib secretstores/local/env metadata.yaml).
 */
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';

export const LOCAL_ENV_COMPONENT = 'secretstores.local.env';

export const LOCAL_ENV_METADATA: readonly FieldSpec[] = [
  { name: 'prefix', type: 'string', description: 'Only variables starting with this (case-sensitive) are read; secret names leave it out' },
];

export interface LocalEnvSettings {
  prefix: string;
}

export function parseLocalEnvMetadata(raw: MetadataMap): LocalEnvSettings {
  const m = decodeMetadata(LOCAL_ENV_COMPONENT, LOCAL_ENV_METADATA, raw);
  return { prefix: (m.prefix as string | undefined) ?? '' };
}

/**
 * @module components/secretstores/local-file/metadata
 * secretstores.local.file metadata (components-contrib secretstores/local/file metadata.yaml).
 */
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';

export const LOCAL_FILE_COMPONENT = 'secretstores.local.file';

export const LOCAL_FILE_METADATA: readonly FieldSpec[] = [
  { name: 'secretsFile', type: 'string', required: true, description: 'JSON file holding the secrets (relative paths: the sidecar working directory)' },
  { name: 'nestedSeparator', type: 'string', default: ':', description: 'Joins the keys of nested objects (and array indexes) when the JSON is flattened' },
  { name: 'multiValued', type: 'boolean', default: 'false', description: 'Each top-level key is one secret holding the flattened map of its children' },
];

export interface LocalFileSettings {
  secretsFile: string;
  nestedSeparator: string;
  multiValued: boolean;
}

export function parseLocalFileMetadata(raw: MetadataMap): LocalFileSettings {
  const m = decodeMetadata(LOCAL_FILE_COMPONENT, LOCAL_FILE_METADATA, raw);
  return {
    secretsFile: m.secretsFile as string,
    nestedSeparator: (m.nestedSeparator as string | undefined) ?? ':',
    multiValued: m.multiValued === true,
  };
}

/**
 * @module components/bindings/localstorage/metadata
 * bindings.localstorage metadata: the root directory every file lives under.
 */
import { isAbsolute, resolve } from 'node:path';
import { BINDING_RUNTIME_FIELDS } from '../runtime-fields';
import { MetadataError } from '../../errors';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';

export const COMPONENT = 'bindings.localstorage';

/** System directories a rootPath may not be (or be under), as in Dapr. */
export const FORBIDDEN_ROOTS = ['/proc', '/sys', '/boot', '/var/run/secrets'];

export const LOCALSTORAGE_METADATA: readonly FieldSpec[] = [
  {
    name: 'rootPath',
    type: 'string',
    required: true,
    description:
      'Directory the files live in (created if missing; relative paths resolve against the sidecar working directory). `/proc`, `/sys`, `/boot` and `/var/run/secrets` are refused. No file name may lead outside it.',
  },
  ...BINDING_RUNTIME_FIELDS,
];

export function isForbiddenRoot(path: string): boolean {
  return FORBIDDEN_ROOTS.some((f) => path === f || path.startsWith(`${f}/`));
}

export function parseLocalStorageMetadata(raw: MetadataMap, cwd: string): { rootPath: string } {
  const m = decodeMetadata(COMPONENT, LOCALSTORAGE_METADATA, raw);
  const text = (m.rootPath as string).trim();
  const rootPath = isAbsolute(text) ? resolve(text) : resolve(cwd, text);
  if (isForbiddenRoot(rootPath)) throw new MetadataError(COMPONENT, 'rootPath', `"${rootPath}" is not allowed (${FORBIDDEN_ROOTS.join(', ')} are forbidden)`);
  return { rootPath };
}

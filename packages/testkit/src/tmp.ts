/**
 * @module tmp
 * Temporary directories and inline file trees (changesets-style fixtures).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempDir {
  path: string;
  /** Writes `{ 'components/statestore.yaml': '...' }` under the directory. */
  write(files: Record<string, string>): void;
  remove(): void;
}

export function tempDir(prefix = 'minidapr-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(files) {
      for (const [rel, content] of Object.entries(files)) {
        const file = join(path, rel);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A Component manifest as YAML text. */
export function componentYaml(name: string, type: string, metadata: Record<string, string> = {}, extra = ''): string {
  const items = Object.entries(metadata)
    .map(([k, v]) => `  - name: ${k}\n    value: ${JSON.stringify(v)}`)
    .join('\n');
  return `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  version: v1\n  metadata:${items ? '\n' + items : ' []'}\n${extra}`;
}

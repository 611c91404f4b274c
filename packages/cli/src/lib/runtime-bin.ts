/**
 * @module lib/runtime-bin
 * Where the sidecar executable lives: `@minidapr/runtime`'s `bin/minidaprd.js`, started with the
 * Node that runs the CLI (no download, no PATH lookup).
 */
import { dirname, join } from 'node:path';

export function minidaprdPath(): string {
  return join(dirname(require.resolve('@minidapr/runtime/package.json')), 'bin', 'minidaprd.js');
}

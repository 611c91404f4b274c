/**
 * @module components/none-loaded
 * The start-up warning for a sidecar that found no component for its app: where it looked, and the
 * fix. Like daprd, minidaprd reads components only from `--resources-path`; the home folder that
 * `minidapr init` fills is passed by `minidapr run`, never read by the sidecar on its own.
 */
import { join } from 'node:path';

export interface NoneLoadedContext {
  resourcesPaths: readonly string[];
  /** MINIDAPR_HOME (where `minidapr init` writes the default components). */
  home: string;
  appId: string;
  /** Components left out by their scopes or namespace. */
  skipped: number;
}

export function noComponentsWarning(c: NoneLoadedContext): string {
  const where =
    c.resourcesPaths.length === 0 ?
      'no --resources-path was given, and minidaprd (like daprd) reads components only from --resources-path, never from the home folder'
    : `found no component for app id "${c.appId}" in ${c.resourcesPaths.join(', ')}${c.skipped > 0 ? ` (${c.skipped} resource(s) left out by scopes or namespace)` : ''}`;
  return (
    `no components loaded: ${where}. The state, pub/sub, bindings and secrets APIs will answer "not configured". ` +
    `To fix: run "minidapr init" (it writes the default components to ${join(c.home, 'components')}) and start the app with "minidapr run", ` +
    'which passes that folder; or pass --resources-path <folder with component YAML files> to minidaprd'
  );
}

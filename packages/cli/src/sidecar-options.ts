/**
 * @module sidecar-options
 * `run` options that are minidaprd flags. Their names are checked against the runtime's flag table
 * and the default their help shows is the runtime's (`@minidapr/runtime/flags`), unless the CLI
 * chooses its own (a free port, MINIDAPR_HOME files); CLI-only options are written in cli.ts.
 */
import { canonicalFlag, FLAGS, flagDefault } from '@minidapr/runtime/flags';
import type { OptionSpec } from './cli';

export interface SidecarOptionExtra {
  parse?: OptionSpec['parse'];
  /** What the CLI uses instead of minidaprd's default (shown in --help instead of the runtime's); null: show none. */
  cliDefault?: string | null;
}

/** `-P, --app-protocol <protocol>` → `app-protocol`. */
export function longName(flags: string): string {
  const m = /--([a-z0-9-]+)/.exec(flags);
  if (!m?.[1]) throw new Error(`option "${flags}" has no long name`);
  return m[1];
}

/** `a folder (repeatable)` + `X` → `a folder (repeatable; default: X)`; otherwise ` (default: X)` is appended. */
function withDefault(description: string, shown: string): string {
  return description.endsWith(')') ? `${description.slice(0, -1)}; default: ${shown})` : `${description} (default: ${shown})`;
}

/** The default a `run` option's help shows: what follows `default: `, up to the closing parenthesis. */
export function shownDefault(description: string): string | undefined {
  return /[(;] ?default: ([^)]*)\)$/.exec(description)?.[1];
}

/** A `run` option passed on to minidaprd; throws when minidaprd has no such flag (caught by the unit tests). */
export function sidecarOption(flags: string, description: string, extra: SidecarOptionExtra = {}): OptionSpec {
  const flag = canonicalFlag(longName(flags));
  if (!FLAGS[flag]) throw new Error(`--${longName(flags)} is not a minidaprd flag`);
  const shown = extra.cliDefault === undefined ? flagDefault(flag) : extra.cliDefault;
  return {
    flags,
    description: shown === undefined || shown === null ? description : withDefault(description, shown),
    ...(extra.parse ? { parse: extra.parse } : {}),
    sidecar: { flag, ...(extra.cliDefault !== undefined ? { cliDefault: extra.cliDefault } : {}) },
  };
}

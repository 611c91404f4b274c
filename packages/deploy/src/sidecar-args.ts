/**
 * @module sidecar-args
 * A sidecar command line (compose `command`, a container's `args`) checked by minidaprd's own
 * option parser, so a flag it would ignore or reject fails here instead of at start-up.
 */
import { parseOptions, type RuntimeOptions } from '@minidapr/runtime';

export interface SidecarArgsCheck {
  options?: Readonly<RuntimeOptions>;
  /** Errors and warnings, each prefixed with where the command line came from. */
  problems: string[];
}

export function checkSidecarArgs(args: readonly string[], where: string, env: NodeJS.ProcessEnv = {}): SidecarArgsCheck {
  const parsed = parseOptions(args, env, '/');
  const problems = [...parsed.errors.map((e) => `${where}: ${e}`), ...parsed.warnings.map((w) => `${where}: warning: ${w}`)];
  if (parsed.action) problems.push(`${where}: --${parsed.action} makes minidaprd print and exit`);
  return { options: parsed.options, problems };
}

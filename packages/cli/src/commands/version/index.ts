/**
 * @module commands/version
 * `minidapr version` / `minidapr --version`: the CLI's and the runtime's versions, as dapr/cli prints them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_VERSION } from '@minidapr/runtime';
import { processOutput, type Output } from '../../lib/output';
import { versionMessages as M } from '../../messages';

export interface VersionOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

/** The CLI package version (src/ and dist/ sit at the same depth below package.json). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export async function version(options: VersionOptions = {}): Promise<{ cli: string; runtime: string }> {
  const out = options.output ?? processOutput();
  const v = { cli: cliVersion(), runtime: RUNTIME_VERSION };
  out.out(M.cli(v.cli));
  out.out(M.runtime(v.runtime));
  return v;
}

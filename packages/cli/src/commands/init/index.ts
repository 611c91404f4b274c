/**
 * @module commands/init
 * `minidapr init [--slim]`: create MINIDAPR_HOME with config.yaml and the default components.
 * Idempotent; a file whose content differs from what init would write is the user's and is kept.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveHome } from '../../lib/home';
import { processOutput, type Output } from '../../lib/output';
import { initMessages as M } from '../../messages';
import { absolute, initFiles } from './files';

export interface InitOptions {
  /** Accepted for Dapr compatibility; minidapr never starts containers, so it changes nothing. */
  slim?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

export type InitFileStatus = 'created' | 'unchanged' | 'kept';

export interface InitResult {
  home: string;
  files: Array<{ path: string; status: InitFileStatus }>;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function init(options: InitOptions = {}): Promise<InitResult> {
  const out = options.output ?? processOutput();
  const home = resolveHome(options.env ?? process.env);
  out.out(M.start);
  out.out(M.home(home));
  if (options.slim) out.out(M.slim);
  mkdirSync(absolute(home, 'components'), { recursive: true });
  const result: InitResult = { home, files: [] };
  for (const f of initFiles(home)) {
    const file = absolute(home, f.path);
    const existing = readIfExists(file);
    let status: InitFileStatus;
    if (existing === undefined) {
      mkdirSync(dirname(file), { recursive: true });
      // 'wx': never replace a file that appeared since we looked
      writeFileSync(file, f.content, { flag: 'wx' });
      status = 'created';
      out.out(M.created(file, f.what));
    } else if (existing === f.content) {
      status = 'unchanged';
      out.out(M.unchanged(file));
    } else {
      status = 'kept';
      out.out(M.kept(file));
    }
    result.files.push({ path: file, status });
  }
  out.out(M.success);
  return result;
}

/**
 * @module commands/list
 * `minidapr list [-o table|json|yaml]`: the running sidecars from the instance registry, with the
 * app and CLI pids and the run file the CLI stored in their metadata.
 */
import { ConfigError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { runningApps } from '../../lib/instances';
import { processOutput, type Output } from '../../lib/output';
import { listMessages as M } from '../../messages';
import { formatList, OUTPUT_FORMATS, toRow, type ListRow, type OutputFormat } from './format';

export interface ListOptions {
  output?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where to print (named `printer` because `output` is Dapr's `-o` flag). */
  printer?: Output;
}

export async function list(options: ListOptions = {}): Promise<ListRow[]> {
  const format = (options.output ?? 'table').toLowerCase();
  if (!OUTPUT_FORMATS.includes(format as OutputFormat)) throw new ConfigError([M.badOutput(options.output ?? '')], 'list');
  const rows = runningApps(resolveHome(options.env ?? process.env)).map((a) => toRow(a));
  (options.printer ?? processOutput()).out(formatList(rows, format as OutputFormat));
  return rows;
}

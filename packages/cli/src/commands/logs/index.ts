/**
 * @module commands/logs
 * `minidapr logs --app-id X [--follow]`: the sidecar's and the app's log files of a running app
 * started by `run` or `run -f` (this run's files), each line prefixed as `run -f` prints it. `--follow`
 * keeps printing new lines until Ctrl-C, or until the app's sidecar is gone. (Dapr's `dapr logs`
 * reads Kubernetes pods; minidapr's reads the local files.)
 */
import { POLL_INTERVAL_MS } from '../../defaults';
import { ExitError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { runningApps } from '../../lib/instances';
import { processOutput, type Output } from '../../lib/output';
import { isAlive, sleep } from '../../lib/processes';
import { trapSignals } from '../../lib/signals';
import { FileTail } from '../../lib/tail';
import { whenAborted } from '../../lib/wait';
import { logsMessages as M } from '../../messages';
import { logSources } from './sources';

export interface LogsOptions {
  appId: string;
  follow?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

/** How often --follow looks for new lines. */
const FOLLOW_INTERVAL_MS = 4 * POLL_INTERVAL_MS;

export async function logs(options: LogsOptions): Promise<void> {
  const out = options.output ?? processOutput();
  const env = options.env ?? process.env;
  const running = runningApps(resolveHome(env));
  const found = logSources(options.appId, running);
  if (!found.ok) throw new ExitError(1, found.error);
  for (const n of found.notes) out.err(n);
  const tails = found.sources.map((s) => new FileTail(s.path, (line) => out.out(s.prefix + line)));
  const readAll = (): void => {
    for (const t of tails) if (!t.readNew() && !options.follow) out.err(M.fileGone(t.path));
  };
  readAll();
  if (options.follow) {
    const daprdPid = running.find((a) => a.appId === options.appId)?.daprdPid ?? 0;
    const trap = trapSignals(
      () => {},
      () => {},
    );
    const aborted = whenAborted(trap.signal);
    try {
      while (!trap.signal.aborted && isAlive(daprdPid)) {
        await Promise.race([sleep(FOLLOW_INTERVAL_MS), aborted]);
        readAll();
      }
      if (!trap.signal.aborted) {
        readAll();
        for (const t of tails) t.flush();
        out.err(M.stoppedRunning(options.appId));
        return;
      }
    } finally {
      trap.dispose();
    }
  }
  for (const t of tails) t.flush();
}

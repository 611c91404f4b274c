/**
 * @module commands/logs/sources
 * Which log files `minidapr logs --app-id X` reads: the ones the running app's `run` or `run -f` wrote
 * for this run (stored in the sidecar's metadata as appLogPath/daprdLogPath), or why there are none.
 */
import type { RunningApp } from '../../lib/instances';
import { logsMessages as M, multiRunMessages as MM } from '../../messages';

export interface LogSource {
  /** Line prefix, as `run -f` prints it on the console. */
  prefix: string;
  path: string;
}

export type LogSources = { ok: true; sources: LogSource[]; notes: string[] } | { ok: false; error: string };

/** The log files of `appId` among the running apps, sidecar first. */
export function logSources(appId: string, running: readonly RunningApp[]): LogSources {
  const app = running.find((a) => a.appId === appId);
  if (!app) return { ok: false, error: M.notRunning(appId) };
  const sources: LogSource[] = [];
  const notes: string[] = [];
  if (app.daprdLogPath) sources.push({ prefix: MM.daprPrefix(appId), path: app.daprdLogPath });
  if (app.appLogPath) sources.push({ prefix: MM.appPrefix(appId), path: app.appLogPath });
  if (sources.length === 0) {
    return { ok: false, error: app.runTemplatePath ? M.consoleOnly(appId, app.runTemplatePath) : M.noLogFiles(appId) };
  }
  if (!app.daprdLogPath) notes.push(M.noDaprdLog(appId));
  if (!app.appLogPath) notes.push(M.noAppLog(appId));
  return { ok: true, sources, notes };
}

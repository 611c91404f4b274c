/**
 * @module server/logs
 * An app's log files (the paths `minidapr run` and `run -f` record in the sidecar's metadata):
 * the last lines for `GET /api/apps/:appId/logs`, and followers for the SSE stream.
 */
import type { RunningApp } from '@minidapr/runtime';
import { badRequest } from './respond';
import { lastLines } from './log-tail';

export type LogSourceName = 'app' | 'sidecar';

export interface LogSource {
  source: LogSourceName;
  path: string;
}

export interface LogLine {
  source: LogSourceName;
  text: string;
}

export interface LogsAnswer {
  sources: LogSource[];
  lines: LogLine[];
  note?: string;
}

export const DEFAULT_TAIL = 200;
const MAX_TAIL = 10000;

export function parseSourceParam(value: string | null): LogSourceName[] {
  if (value === null || value === '' || value === 'all') return ['sidecar', 'app'];
  if (value === 'app' || value === 'sidecar') return [value];
  throw badRequest(`source: must be all, app or sidecar (got "${value}")`);
}

export function parseTailParam(value: string | null): number {
  if (value === null || value === '') return DEFAULT_TAIL;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_TAIL) throw badRequest(`tail: must be an integer from 0 to ${MAX_TAIL} (got "${value}")`);
  return n;
}

/** The log files of the app among the wanted sources, and a note on what is missing. */
export function logSources(app: RunningApp, wanted: readonly LogSourceName[]): { sources: LogSource[]; note?: string } {
  const sources: LogSource[] = [];
  const missing: string[] = [];
  for (const s of wanted) {
    const path = s === 'app' ? app.appLogPath : app.daprdLogPath;
    if (path) sources.push({ source: s, path });
    else missing.push(s === 'app' ? "the app's output" : "the sidecar's output");
  }
  if (missing.length === 0) return { sources };
  const why = app.runTemplatePath
    ? `its run file sends ${missing.join(' and ')} to the console only (appLogDestination / daprdLogDestination)`
    : 'it was not started by minidapr run (or has no app command)';
  return { sources, note: `${app.appId}: no log file for ${missing.join(' and ')}: ${why}` };
}

export function readLogs(app: RunningApp, wanted: readonly LogSourceName[], tail: number): LogsAnswer {
  const { sources, note } = logSources(app, wanted);
  const lines: LogLine[] = [];
  const notes = note ? [note] : [];
  for (const s of sources) {
    const got = lastLines(s.path, tail);
    if (got === undefined) notes.push(`log file ${s.path} cannot be read (removed?)`);
    else for (const text of got) lines.push({ source: s.source, text });
  }
  return notes.length > 0 ? { sources, lines, note: notes.join('; ') } : { sources, lines };
}

/** A static sidecar (a container or pod) has no log files here: say where its output is. */
export function containerLogsAnswer(appId: string, host: string): LogsAnswer {
  return {
    sources: [],
    lines: [],
    note:
      `${appId} is a sidecar watched at ${host} (--sidecar), not started by minidapr here, so there are no log files to show: ` +
      `read its output with \`docker compose logs\` (Docker Compose) or \`kubectl logs deploy/${appId} --all-containers\` (Kubernetes)`,
  };
}

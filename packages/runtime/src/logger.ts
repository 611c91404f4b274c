/**
 * @module logger
 * pino loggers in daprd's two shapes: human-readable logfmt lines (the default, like daprd's
 * `time=… level=info msg="…" app_id=… scope=…`) or JSON with --log-as-json.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './options';

export type Logger = PinoLogger;

export interface LoggerOptions {
  appId: string;
  level: LogLevel;
  json: boolean;
  /** Where lines go (stdout by default); tests pass a collecting stream. */
  destination?: { write(line: string): unknown };
  version: string;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'app_id', 'scope', 'ver', 'instance']);

function quote(v: string): string {
  return /^[A-Za-z0-9_./:@+-]+$/.test(v) ? v : JSON.stringify(v);
}

/** One JSON log record → one logfmt line. Exported for tests. */
export function toLogfmt(rec: Record<string, unknown>): string {
  const parts = [
    `time="${new Date(Number(rec.time)).toISOString()}"`,
    `level=${LEVEL_NAMES[Number(rec.level)] ?? rec.level}`,
    `msg=${JSON.stringify(String(rec.msg ?? ''))}`,
    `app_id=${quote(String(rec.app_id ?? ''))}`,
    `scope=${quote(String(rec.scope ?? 'dapr.runtime'))}`,
    `type=log`,
    `ver=${quote(String(rec.ver ?? ''))}`,
  ];
  for (const [k, v] of Object.entries(rec)) {
    if (SKIP.has(k) || v === undefined) continue;
    if (k === 'err' && v && typeof v === 'object') {
      parts.push(`error=${JSON.stringify(String((v as { message?: unknown }).message ?? ''))}`);
      continue;
    }
    parts.push(`${k}=${quote(typeof v === 'string' ? v : JSON.stringify(v))}`);
  }
  return parts.join(' ') + '\n';
}

export function createLogger(opts: LoggerOptions): Logger {
  const out = opts.destination ?? process.stdout;
  const stream: DestinationStream = opts.json
    ? { write: (line: string) => out.write(line) }
    : { write: (line: string) => out.write(toLogfmt(JSON.parse(line) as Record<string, unknown>)) };
  return pino(
    {
      level: opts.level === 'fatal' ? 'fatal' : opts.level,
      base: { app_id: opts.appId, scope: 'dapr.runtime', ver: opts.version },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.epochTime,
      formatters: opts.json ? { level: (label) => ({ level: label }) } : undefined,
    },
    stream,
  );
}

/**
 * @module commands/list/format
 * Rows of `minidapr list` in dapr/cli's shapes: a table with its column names, or camelCase
 * objects for `-o json|yaml` (`dapr/cli:pkg/standalone/list.go`).
 */
import { stringify } from 'yaml';
import { formatAge, formatCreated } from '../../lib/age';
import type { RunningApp } from '../../lib/instances';
import { formatTable } from '../../lib/table';
import { listMessages as M, NO_GRPC } from '../../messages';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ListRow {
  appId: string;
  httpPort: number;
  grpcPort: number;
  appPort: number;
  metricsEnabled: boolean;
  command: string;
  age: string;
  created: string;
  daprdPid: number;
  cliPid: number;
  appPid: number;
  runTemplatePath: string;
  appLogPath: string;
  daprdLogPath: string;
  runTemplateName: string;
}

export const COMMAND_WIDTH = 20;

/** dapr/cli's TruncateString: at most `max` characters, ending in `...` when cut. */
export function truncate(text: string, max = COMMAND_WIDTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

export function toRow(a: RunningApp, now: Date = new Date()): ListRow {
  return {
    appId: a.appId,
    httpPort: a.httpPort,
    grpcPort: a.grpcPort,
    appPort: a.appPort ?? 0,
    metricsEnabled: a.metricsPort !== undefined,
    command: a.command,
    age: formatAge(a.startedAt, now),
    created: formatCreated(a.startedAt),
    daprdPid: a.daprdPid,
    cliPid: a.cliPid ?? 0,
    appPid: a.appPid ?? 0,
    runTemplatePath: a.runTemplatePath ?? '',
    appLogPath: a.appLogPath ?? '',
    daprdLogPath: a.daprdLogPath ?? '',
    runTemplateName: a.runTemplateName ?? '',
  };
}

const TABLE_COLUMNS: ReadonlyArray<[string, (r: ListRow) => string]> = [
  ['APP ID', (r) => r.appId],
  ['HTTP PORT', (r) => String(r.httpPort)],
  ['GRPC PORT', (r) => (r.grpcPort > 0 ? String(r.grpcPort) : NO_GRPC)],
  ['APP PORT', (r) => String(r.appPort)],
  ['COMMAND', (r) => truncate(r.command)],
  ['AGE', (r) => r.age],
  ['CREATED', (r) => r.created],
  ['DAPRD PID', (r) => String(r.daprdPid)],
  ['CLI PID', (r) => String(r.cliPid)],
  ['APP PID', (r) => String(r.appPid)],
  ['RUN_TEMPLATE_PATH', (r) => r.runTemplatePath],
];

export function formatList(rows: readonly ListRow[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'yaml') return rows.length === 0 ? '[]' : stringify(rows).trimEnd();
  if (rows.length === 0) return M.none;
  return formatTable(
    TABLE_COLUMNS.map(([h]) => h),
    rows.map((r) => TABLE_COLUMNS.map(([, cell]) => cell(r))),
  );
}

/**
 * @module server/static-sidecars
 * Sidecars the dashboard watches without an instance registry (containers, pods): each given as
 * `<appId>=<host>[:<httpPort>[:<metricsPort>]]` by `minidapr dashboard --sidecar` or the
 * MINIDAPR_DASHBOARD_SIDECARS environment variable (comma-separated). They are reached over
 * their public HTTP API and metrics port only; pids, gRPC ports and files are unknown.
 */
import type { InstanceInfo, RunningApp } from '@minidapr/runtime';

export const DEFAULT_STATIC_HTTP_PORT = 3500;
export const DEFAULT_STATIC_METRICS_PORT = 9090;
export const SIDECARS_ENV = 'MINIDAPR_DASHBOARD_SIDECARS';

export interface StaticSidecar {
  appId: string;
  host: string;
  httpPort: number;
  metricsPort: number;
}

/** A malformed sidecar entry; the message names where it came from and the value. */
export class SidecarSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SidecarSpecError';
  }
}

const APP_ID = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const SYNTAX = '<appId>=<host>[:<httpPort>[:<metricsPort>]]';

function port(value: string, what: string, fail: (why: string) => never): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) fail(`${what} must be a port from 1 to 65535 (got "${value}")`);
  return n;
}

/** Parses one entry; `source` names the flag or variable in errors (e.g. "--sidecar"). */
export function parseSidecarSpec(spec: string, source: string): StaticSidecar {
  const value = spec.trim();
  const fail = (why: string): never => {
    throw new SidecarSpecError(`${source} "${spec}": ${why}; expected ${SYNTAX}`);
  };
  const eq = value.indexOf('=');
  if (eq <= 0) fail('missing the app id before "="');
  const appId = value.slice(0, eq);
  if (!APP_ID.test(appId)) fail(`"${appId}" is not a valid app id`);
  const [host = '', httpPort, metricsPort, ...rest] = value.slice(eq + 1).split(':');
  if (rest.length > 0) fail('too many ":" parts');
  if (!HOST.test(host)) fail(host === '' ? 'missing the host' : `"${host}" is not a host name or IPv4 address`);
  return {
    appId,
    host,
    httpPort: httpPort === undefined ? DEFAULT_STATIC_HTTP_PORT : port(httpPort, 'the HTTP port', fail),
    metricsPort: metricsPort === undefined ? DEFAULT_STATIC_METRICS_PORT : port(metricsPort, 'the metrics port', fail),
  };
}

/** Entries of a comma-separated list (empty parts are skipped); app ids must be unique. */
export function parseSidecarList(values: readonly string[], source: string): StaticSidecar[] {
  const out: StaticSidecar[] = [];
  for (const v of values.flatMap((x) => x.split(','))) {
    if (v.trim() === '') continue;
    const s = parseSidecarSpec(v, source);
    if (out.some((o) => o.appId === s.appId)) throw new SidecarSpecError(`${source} "${v.trim()}": app id ${s.appId} is given twice`);
    out.push(s);
  }
  return out;
}

/** The registry-shaped views of a static sidecar (pid and the ports it does not name are 0). */
export function staticInstance(s: StaticSidecar, startedAt: Date): { instance: InstanceInfo; running: RunningApp } {
  return {
    instance: {
      appId: s.appId,
      pid: 0,
      host: s.host,
      httpPort: s.httpPort,
      internalPort: 0,
      grpcPort: 0,
      metricsPort: s.metricsPort,
      appProtocol: 'http',
      startedAt: startedAt.toISOString(),
      runtimeVersion: '',
      cwd: '.',
      resourcesPaths: [],
      configPaths: [],
      extended: {},
    },
    running: {
      appId: s.appId,
      daprdPid: 0,
      httpPort: s.httpPort,
      grpcPort: 0,
      internalPort: 0,
      metricsPort: s.metricsPort,
      command: '',
      startedAt,
    },
  };
}

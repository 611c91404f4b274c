/**
 * @module nameresolution/running-app
 * A registry entry as tools see it (the CLI's list/stop/logs, the dashboard): the instance plus the
 * extended metadata the CLI stores through PUT /v1.0/metadata (appPID, cliPID, appCommand, run file
 * and log paths). The one place that reads those keys.
 */
import { listInstances, type InstanceInfo } from './instances';

export interface RunningApp {
  appId: string;
  daprdPid: number;
  cliPid?: number;
  appPid?: number;
  httpPort: number;
  grpcPort: number;
  internalPort: number;
  metricsPort?: number;
  appPort?: number;
  command: string;
  startedAt: Date;
  runTemplatePath?: string;
  runTemplateName?: string;
  appLogPath?: string;
  daprdLogPath?: string;
}

function pid(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function toRunningApp(i: InstanceInfo): RunningApp {
  const x = i.extended ?? {};
  return {
    appId: i.appId,
    daprdPid: i.pid,
    cliPid: pid(x.cliPID),
    appPid: pid(x.appPID),
    httpPort: i.httpPort,
    grpcPort: i.grpcPort,
    internalPort: i.internalPort,
    metricsPort: i.metricsPort,
    appPort: i.appPort || undefined,
    command: x.appCommand ?? '',
    startedAt: new Date(i.startedAt),
    runTemplatePath: x.runTemplatePath || undefined,
    runTemplateName: x.runTemplateName || undefined,
    appLogPath: x.appLogPath || undefined,
    daprdLogPath: x.daprdLogPath || undefined,
  };
}

/** Every live sidecar registered under `home` (stale entries are cleaned up by listInstances). */
export function runningApps(home: string): RunningApp[] {
  return listInstances(home).map(toRunningApp);
}

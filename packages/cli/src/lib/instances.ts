/**
 * @module lib/instances
 * Running sidecars as the CLI sees them: the runtime's instance registry
 * (`<MINIDAPR_HOME>/instances/<pid>.json`) plus the extended metadata the CLI stored in each
 * (appPID, cliPID, appCommand, run file and log paths). There is no other state file.
 */
import { listInstances, type InstanceInfo } from '@minidapr/runtime';

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

/** Every live sidecar registered under `home` (stale entries are cleaned up by the runtime). */
export function runningApps(home: string): RunningApp[] {
  return listInstances(home).map(toRunningApp);
}

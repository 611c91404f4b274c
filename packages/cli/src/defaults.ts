/**
 * @module defaults
 * Every default the CLI uses, named once (dapr/cli `cmd/run.go` values where Dapr has one). The
 * sidecar's defaults are the runtime's own (`@minidapr/runtime/flags`), re-exported, never copied.
 */
import { defaults as runtime } from '@minidapr/runtime/flags';

export const HOME_ENV = 'MINIDAPR_HOME';
export const HOME_DIR_NAME = runtime.HOME_DIR_NAME;
/** Per-app folder next to the app's code: `resources/`, `config.yaml`, `logs/` (Dapr: `.dapr`). */
export const APP_META_DIR = '.minidapr';
export const RUN_FILE_NAME = 'dapr.yaml';
export const RUN_FILE_VERSION = 1;

export const DEFAULT_APP_PROTOCOL = runtime.DEFAULT_APP_PROTOCOL;
export const DEFAULT_APP_CHANNEL_ADDRESS = runtime.DEFAULT_APP_CHANNEL_ADDRESS;
export const DEFAULT_APP_LOG_DESTINATION = 'fileAndConsole';
export const DEFAULT_DAPRD_LOG_DESTINATION = 'file';
export const DEFAULT_INVOKE_VERB = 'POST';

export const SIDECAR_READY_TIMEOUT_ENV = 'MINIDAPR_SIDECAR_READY_TIMEOUT_SECONDS';
export const DEFAULT_SIDECAR_READY_TIMEOUT_S = 20;
export const APP_READY_TIMEOUT_ENV = 'MINIDAPR_APP_READY_TIMEOUT_SECONDS';
export const DEFAULT_APP_READY_TIMEOUT_S = 60;
/** When nothing listens on the app port this long (or half the app timeout, if shorter), `run` says so and keeps waiting. */
export const APP_PORT_HINT_AFTER_S = 5;

/** Seconds after which `run` points out that nothing listens on the app port yet. */
export function appPortHintAfterS(appTimeoutS: number): number {
  return Math.min(APP_PORT_HINT_AFTER_S, appTimeoutS / 2);
}
/** How long a process gets between SIGTERM and SIGKILL (the sidecar drains for up to 5 s). */
export const STOP_GRACE_ENV = 'MINIDAPR_STOP_GRACE_SECONDS';
export const DEFAULT_STOP_GRACE_S = 7;
/** How long `stop` waits for ports to be released after the processes are gone. */
export const PORT_RELEASE_TIMEOUT_MS = 3000;
export const POLL_INTERVAL_MS = 50;
/** Attempts at starting a sidecar when a port minidapr picked was taken in the meantime. */
export const PORT_RACE_ATTEMPTS = 3;

/** Reads a positive number of seconds from `env[name]`, or the default. */
export function secondsFromEnv(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

/**
 * @module messages
 * Every user-facing line the CLI prints. Lines marked "Dapr" are dapr/cli's wording, kept verbatim
 * because README steps (ours and upstream's) match on them.
 */

/** What `list` shows for a sidecar that registered no gRPC port (one from before the gRPC API). */
export const NO_GRPC = 'none';

export const runMessages = {
  /** Dapr */ upWithApp: "You're up and running! Both Dapr and your app logs will appear here.",
  /** Dapr */ upSidecarOnly: "You're up and running! Dapr logs will appear here.",
  /** Dapr */ sidecarUp: 'Dapr sidecar is up and running.',
  /** Dapr */ terminated: 'terminated signal received: shutting down',
  /** Dapr */ exitedDapr: 'Exited Dapr successfully',
  /** Dapr */ exitedApp: 'Exited App successfully',
  /** Dapr */ appExitedWithError: (code: number) => `The App process exited with error code: ${code}`,
  /** Dapr */
  starting: (appId: string, http: number, grpc: number) => `Starting Dapr with id ${appId}. HTTP Port: ${http}. gRPC Port: ${grpc}`,
  /** Dapr */ updatingAppPid: (pid: number) => `Updating metadata for appPID: ${pid}`,
  /** Dapr */ updatingAppCommand: (command: string) => `Updating metadata for app command: ${command}`,
  daprPrefix: '== DAPR == ',
  waitingForSidecar: (port: number, seconds: number) => `Waiting for the sidecar on port ${port} (up to ${seconds}s)`,
  waitingForApp: (port: number, seconds: number) => `Waiting for the app to listen on port ${port} (up to ${seconds}s)`,
  sidecarNotReady: (port: number, seconds: number) =>
    `The Dapr sidecar did not become ready on port ${port} within ${seconds}s; stopping (its log lines above say why)`,
  sidecarExitedEarly: (code: number) => `The Dapr sidecar exited with code ${code} before it was ready; see its output above`,
  sidecarExited: (code: number) => `The Dapr sidecar exited with code ${code}`,
  sidecarDied: (code: number) => `The Dapr sidecar exited unexpectedly with code ${code}; stopping the app`,
  nothingListens: (appId: string, port: number, after: number, total: number) =>
    `Nothing listens on port ${port} yet (app "${appId}", --app-port ${port}), ${after}s after the app started; still waiting (up to ${total}s in all). ` +
    `Check that the app listens on port ${port} (it gets it as APP_PORT), or pass the port it really uses with --app-port`,
  appNeverListened: (port: number, seconds: number) =>
    `The app did not listen on port ${port} within ${seconds}s. Check that it listens on APP_PORT (${port}) or pass the port it uses with --app-port; stopping the app and Dapr`,
  appExitedBeforeReady: (port: number, code: number) => `The app exited with code ${code} before it listened on port ${port}`,
  appNotStarted: (command: string, why: string) => `Failed to start the app command "${command}": ${why}`,
  forcedExit: 'second signal received: killing everything now',
  stopFailed: (what: string, pid: number) => `${what} (pid ${pid}) did not stop; it is still running`,
  /** `missing` are MINIDAPR_HOME paths (components dir and/or config.yaml); `self` how to call the CLI. */
  homeMissing: (missing: { path: string; kind: 'components' | 'config' }[], self: string) => {
    const paths = missing.map((m) => m.path).join(' and ');
    const without = missing.map((m) => (m.kind === 'components' ? 'no default components (statestore, pubsub)' : 'the built-in default configuration'));
    return (
      `Warning: ${paths} ${missing.length > 1 ? 'are' : 'is'} missing (minidapr init was not run for this MINIDAPR_HOME), ` +
      `so the sidecar starts with ${without.join(' and ')}. To create ${missing.length > 1 ? 'them' : 'it'}, run: ${self} init`
    );
  },
  metadataFailed: (key: string, why: string) => `Warning: could not store ${key} in the sidecar metadata: ${why}`,
  appPortBusy: (port: number, owner: string) =>
    `Warning: --app-port ${port} is already in use${owner}; your app may fail to listen, or Dapr may call another process`,
  portRetry: (port: number) => `Port ${port} was taken while starting; retrying with another free port`,
};

export const multiRunMessages = {
  /** Dapr */ validating: (appId: string) => `Validating config and starting app "${appId}"`,
  /** Dapr */ started: (appId: string, http: number, grpc: number) => `Started Dapr with app id "${appId}". HTTP Port: ${http}. gRPC Port: ${grpc}`,
  /** Dapr */ logDir: (dir: string) => `Writing log files to directory : ${dir}`,
  appPrefix: (appId: string) => `== APP - ${appId} == `,
  daprPrefix: (appId: string) => `== DAPR - ${appId} == `,
  waitingForApp: (appId: string, port: number, seconds: number) => `Waiting for app "${appId}" to listen on port ${port} (up to ${seconds}s)`,
  nothingListens: (appId: string, field: string, port: number, after: number, total: number) =>
    `Nothing listens on port ${port} yet (app "${appId}", ${field}: ${port}), ${after}s after the app started; still waiting (up to ${total}s in all). ` +
    `Check that the app listens on port ${port} (it gets it as APP_PORT), or set ${field} to the port it really uses`,
  appNeverListened: (appId: string, port: number, seconds: number) =>
    `App "${appId}" did not listen on port ${port} within ${seconds}s. Check that it listens on APP_PORT (${port}) or fix appPort in the run file; stopping everything`,
  allUp: (count: number, file: string, self = 'minidapr') => `All ${count} apps are running. Stop them with Ctrl-C or: ${self} stop -f ${file}`,
  appExited: (appId: string) => `Exited App successfully (app id "${appId}")`,
  appFailed: (appId: string, code: number, logFile?: string) =>
    `The App process of "${appId}" exited with error code: ${code}${logFile ? ` (log: ${logFile})` : ''}`,
  appStopped: (appId: string, signal: string) => `App "${appId}" was stopped (${signal})`,
  daprExited: (appId: string) => `Exited Dapr successfully (app id "${appId}")`,
  sidecarDied: (appId: string, code: number, logFile?: string) =>
    `The Dapr sidecar of "${appId}" exited unexpectedly with code ${code}; stopping that app${logFile ? ` (log: ${logFile})` : ''}`,
  startFailed: (appId: string, why: string) => `Could not start app "${appId}": ${why}; stopping everything`,
  sidecarsKeepRunning: (file: string, self = 'minidapr') =>
    `All apps have exited; their sidecars keep running, as with dapr run -f. Stop them with Ctrl-C or: ${self} stop -f ${file}`,
  allExited: (failed: number) => (failed === 0 ? 'All apps exited successfully' : `${failed} app(s) exited with an error`),
};

export const stopMessages = {
  /** Dapr */ stopped: (appId: string) => `app stopped successfully: ${appId}`,
  /** Dapr (stderr, exit 0: nothing to stop is not an error) */ notFound: (appId: string) => `failed to stop app id ${appId}: couldn't find app id ${appId}`,
  /** Dapr (stderr, exit 0) */ noRunFileApps: (file: string) => `Failed to stop Dapr and app processes: couldn't find apps with run file "${file}"`,
  /** Dapr */ runFileStopped: 'Dapr and app processes stopped successfully',
  survivor: (appId: string, what: string) => `failed to stop app id ${appId}: ${what}`,
  pidAlive: (role: string, pid: number) => `${role} process ${pid} is still running`,
  portBusy: (port: number, owner: string) => `port ${port} is still in use${owner}`,
  missingTarget: 'stop needs --app-id <id> or --run-file <file|dir>',
};

export const logsMessages = {
  notRunning: (appId: string) =>
    `failed to get logs for app id ${appId}: couldn't find app id ${appId}; it is not running (see minidapr list). Log files are shown for running apps started with minidapr run`,
  noLogFiles: (appId: string) =>
    `app id ${appId} has no log files: its sidecar was not started by minidapr run (minidapr run and run -f record their log files in the sidecar's metadata), so its logs went wherever its own console is`,
  consoleOnly: (appId: string, runFile: string) =>
    `app id ${appId} has no log files: its run file ${runFile} sends its logs to the console only (appLogDestination and daprdLogDestination: console)`,
  noDaprdLog: (appId: string) => `note: the sidecar of ${appId} has no log file (daprdLogDestination: console); showing the app's log only`,
  noAppLog: (appId: string) => `note: app ${appId} has no log file (no command, or appLogDestination: console); showing its sidecar's log only`,
  fileGone: (path: string) => `note: log file ${path} no longer exists`,
  stoppedRunning: (appId: string) => `app id ${appId} is no longer running; stopped following its logs`,
};

export const dashboardMessages = {
  /** Dapr */ running: (url: string) => `Dapr Dashboard running on ${url}`,
  zipkin: (url: string, isDefault: boolean) =>
    `Trace collector: Zipkin spans accepted on ${url}${isDefault ? " (the sidecars' default tracing endpoint)" : ''}`,
  otlp: (url: string) => `Trace collector: OTLP/HTTP traces accepted on ${url}`,
  watching: (appId: string, address: string, metricsPort: number) => `Watching sidecar ${appId} at ${address} (metrics port ${metricsPort})`,
  noCollector: 'Trace collector: off (--no-collector); traces show what another collector stores in MINIDAPR_HOME',
  stopHint: 'Press Ctrl-C to stop',
  stopping: 'Stopping the dashboard',
  stopped: 'Dashboard stopped',
  stillStopping: 'second signal received: still stopping the dashboard',
  cannotListen: (flag: string, port: number, inUse: boolean, owner: string, why: string, collector: boolean) =>
    inUse
      ? `${flag}: port ${port} is already in use${owner}; choose another port with ${flag}` +
        (collector ? ', or pass --no-collector when a collector (another dashboard, or Zipkin) already runs there' : '')
      : `${flag}: ${why}`,
};

export const listMessages = {
  /** Dapr */ none: 'No Dapr instances found.',
  badOutput: (value: string) => `--output: must be one of table, json, yaml (got "${value}")`,
};

export const invokeMessages = {
  /** Dapr */ success: 'App invoked successfully',
  notRunning: (appId: string) => `failed to invoke app id ${appId}: couldn't find app id ${appId}; is it running? (see minidapr list)`,
  badJson: (why: string) => `--data: invalid JSON: ${why}`,
  bothData: '--data and --data-file cannot be used together',
  dataFile: (file: string, why: string) => `--data-file: cannot read ${file}: ${why}`,
  badHeader: (value: string) => `--header: expected key=value, got "${value}"`,
  httpError: (status: number, statusText: string) => `error invoking app: ${status} ${statusText}`.trimEnd(),
  unreachable: (appId: string, port: number, why: string) => `failed to invoke app id ${appId}: cannot reach its sidecar on port ${port}: ${why}`,
};

export const publishMessages = {
  /** Dapr */ success: 'Event published successfully',
  notRunning: (appId: string) => `failed to publish with app id ${appId}: couldn't find app id ${appId}; is it running? (see minidapr list)`,
  badJson: (flag: string, why: string) => `${flag}: invalid JSON: ${why}`,
  bothData: '--data and --data-file cannot be used together',
  dataFile: (file: string, why: string) => `--data-file: cannot read ${file}: ${why}`,
  badMetadata: (value: string, why: string) => `--metadata: "${value}": ${why}`,
  httpError: (status: number, statusText: string) => `error publishing event: ${status} ${statusText}`.trimEnd(),
  unreachable: (appId: string, port: number, why: string) => `failed to publish with app id ${appId}: cannot reach its sidecar on port ${port}: ${why}`,
};

export const initMessages = {
  /** Dapr */ start: 'Making the jump to hyperspace...',
  home: (home: string) => `Using MINIDAPR_HOME ${home}`,
  slim: 'minidapr needs no containers: --slim and a normal init are the same (in-process state store and pub/sub)',
  created: (file: string, what: string) => `Created ${file}${what ? ` (${what})` : ''}`,
  unchanged: (file: string) => `Up to date ${file}`,
  kept: (file: string) => `Kept ${file} (you changed it; init never overwrites your edits)`,
  updated: (file: string, what: string) => `Updated ${file} to the current default${what ? ` (${what})` : ''}`,
  trustRootCreated: (dir: string) => `Created the mTLS trust root in ${dir} (ca.crt, issuer.crt, issuer.key; valid for one year)`,
  trustRootKept: (dir: string) => `Kept the mTLS trust root in ${dir}`,
  /** Dapr */ success: 'Success! minidapr is up and running. To get started, run: minidapr run --app-id myapp -- node app.js',
};

export const mtlsMessages = {
  created: (dir: string) => `Created the mTLS trust root in ${dir} (ca.crt, issuer.crt, issuer.key; valid for one year)`,
  kept: (dir: string) => `Kept the mTLS trust root in ${dir} (an existing root is never replaced)`,
  secretHint: (dir: string) => `For Kubernetes: kubectl create secret generic minidapr-trust-root -n <namespace> --from-file=${dir}`,
  badTrustDomain: (value: string) => `--trust-domain: "${value}" is not a trust domain (letters, digits, dots, dashes and underscores)`,
  cannotWrite: (dir: string, why: string) => `--out: cannot write the trust root to ${dir}: ${why}`,
};

export const uninstallMessages = {
  removed: (path: string) => `Removed ${path}`,
  kept: (path: string) => `Kept ${path} (changed or added by you; use --all to remove everything)`,
  keptLogs: (dir: string, ids: string[]) => `Kept ${dir} (${ids.join(', ')} still running and writing logs there)`,
  keptTrustRoot: (dir: string) => `Kept the mTLS trust root in ${dir} (certificates you may have handed out chain to it; use --all to remove it)`,
  nothing: (home: string) => `Nothing to remove in ${home}`,
  running: (ids: string[]) => `${ids.length} sidecar(s) still running (${ids.join(', ')}); stop them first with minidapr stop --app-id <id>`,
  success: 'minidapr uninstalled',
};

export const versionMessages = {
  /** Dapr */ cli: (v: string) => `CLI version: ${v}`,
  /** Dapr */ runtime: (v: string) => `Runtime version: ${v}`,
};

export const generalMessages = {
  helpHint: (command?: string) => `Run 'minidapr ${command ? `${command} ` : ''}--help' for usage.`,
  invalidInput: 'Invalid input:',
  noKubernetes:
    '-k, --kubernetes: minidapr has no Kubernetes mode; it runs apps and their sidecars on this machine. Leave out -k (on Kubernetes, use Dapr itself)',
  unexpected: (message: string) => `Error: ${message}`,
};

/** Port conflict wording shared by run's preflight (names the flag, the port and the owner). */
export function portInUse(flag: string, port: number, owner: string): string {
  return `${flag}: port ${port} is already in use${owner}; choose another port, stop that process, or omit the flag to let minidapr pick a free port`;
}

/** ` by process 123 (node server.js)` or an empty string when the owner is unknown. */
export function ownerSuffix(owner: { pid: number; command: string } | undefined): string {
  return owner ? ` by process ${owner.pid}${owner.command ? ` (${owner.command})` : ''}` : '';
}

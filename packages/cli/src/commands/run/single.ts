/**
 * @module commands/run/single
 * `minidapr run --app-id X -- cmd`: sidecar first (wait for outbound health), then the app, then
 * supervision until Ctrl-C/SIGTERM, the app exits, or the sidecar dies. Lines as dapr/cli prints
 * them (`dapr/cli:cmd/run.go`); sidecar lines prefixed `== DAPR == `, app output as it is.
 */
import {
  appPortHintAfterS,
  APP_READY_TIMEOUT_ENV,
  DEFAULT_APP_READY_TIMEOUT_S,
  DEFAULT_SIDECAR_READY_TIMEOUT_S,
  DEFAULT_STOP_GRACE_S,
  SIDECAR_READY_TIMEOUT_ENV,
  STOP_GRACE_ENV,
  secondsFromEnv,
} from '../../defaults';
import { lineSplitter, wholeLineWriter, type Output } from '../../lib/output';
import { exitCodeOf } from '../../lib/processes';
import { trapSignals } from '../../lib/signals';
import { whenAborted } from '../../lib/wait';
import { runMessages as M } from '../../messages';
import { AppRunner } from './app-runner';
import { openSingleRunLogs } from './log-files';
import { commandLine, type AppPlan } from './plan';

export interface RunContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  /** How hints write a minidapr command (lib/self). */
  self: string;
  /** MINIDAPR_HOME; a single run copies its logs to files under `<home>/logs/<appId>` when set. */
  home?: string;
}

interface Timing {
  graceMs: number;
  sidecarS: number;
  appS: number;
}

export function timing(env: NodeJS.ProcessEnv): Timing {
  return {
    graceMs: secondsFromEnv(env, STOP_GRACE_ENV, DEFAULT_STOP_GRACE_S) * 1000,
    sidecarS: secondsFromEnv(env, SIDECAR_READY_TIMEOUT_ENV, DEFAULT_SIDECAR_READY_TIMEOUT_S),
    appS: secondsFromEnv(env, APP_READY_TIMEOUT_ENV, DEFAULT_APP_READY_TIMEOUT_S),
  };
}

/** Runs one app with its sidecar; resolves the CLI's exit code. */
export async function runSingle(plan: AppPlan, ctx: RunContext): Promise<number> {
  const { out } = ctx;
  const dapr = {
    stdout: lineSplitter((l) => out.out(M.daprPrefix + l)),
    stderr: lineSplitter((l) => out.err(M.daprPrefix + l)),
  };
  // The app's output goes through whole lines at a time, so a sidecar line never splits one of its lines.
  const app = {
    stdout: wholeLineWriter((b) => out.raw('stdout', b)),
    stderr: wholeLineWriter((b) => out.raw('stderr', b)),
  };
  const files = ctx.home === undefined ? undefined : openSingleRunLogs(ctx.home, plan.appId, plan.command.length > 0);
  const runner = new AppRunner({
    plan,
    baseEnv: ctx.env,
    onSidecarOutput: (stream, chunk) => {
      files?.daprd.write(chunk);
      dapr[stream].push(chunk);
    },
    onAppOutput: (stream, chunk) => {
      files?.app?.write(chunk);
      app[stream].push(chunk);
    },
    onNotice: (line) => out.out(line),
  });
  const logPaths: Array<[string, string]> = [];
  if (files?.app) logPaths.push(['appLogPath', files.app.path]);
  if (files) logPaths.push(['daprdLogPath', files.daprd.path]);
  const trap = trapSignals(
    () => out.out(M.terminated),
    () => {
      out.err(M.forcedExit);
      runner.kill();
    },
  );
  try {
    return await supervise(runner, trap.signal, ctx, timing(ctx.env), logPaths);
  } finally {
    trap.dispose();
    dapr.stdout.flush();
    dapr.stderr.flush();
    app.stdout.flush();
    app.stderr.flush();
    await Promise.all([files?.daprd.close(), files?.app?.close()]);
  }
}

async function supervise(
  runner: AppRunner,
  signal: AbortSignal,
  ctx: RunContext,
  t: Timing,
  logPaths: ReadonlyArray<[string, string]>,
): Promise<number> {
  const { out } = ctx;
  const plan = runner.plan;
  const started = await runner.startSidecar(signal, t.sidecarS * 1000, (p) => {
    out.out(M.starting(plan.appId, p.http, p.grpc));
    out.out(M.waitingForSidecar(p.http, t.sidecarS));
  });
  if (started.status === 'aborted') return stopOnSignal(runner, ctx, t);
  if (started.status === 'exited') {
    out.err(M.sidecarExitedEarly(started.code));
    return 1;
  }
  if (started.status === 'timeout') {
    out.err(M.sidecarNotReady(runner.ports?.http ?? 0, t.sidecarS));
    await runner.stopSidecar(t.graceMs);
    return 1;
  }
  out.out(M.sidecarUp);
  const warn = (key: string, why: string): void => out.err(M.metadataFailed(key, why));

  if (plan.command.length === 0) {
    await runner.storeMetadata([['cliPID', String(process.pid)], ...logPaths], warn);
    out.out(M.upSidecarOnly);
    return mainLoop(runner, signal, ctx, t);
  }

  const cmd = commandLine(plan.command);
  try {
    await runner.startApp();
  } catch (err) {
    out.err(M.appNotStarted(cmd, (err as Error).message));
    if (await runner.stopSidecar(t.graceMs)) out.out(M.exitedDapr);
    return 1;
  }
  const app = runner.app;
  if (!app) return 1;
  out.out(M.updatingAppPid(app.pid));
  out.out(M.updatingAppCommand(cmd));
  // Stored before the banner, so that once it shows, `minidapr list` and `stop` see the app.
  await runner.storeMetadata(
    [
      ['cliPID', String(process.pid)],
      ['appPID', String(app.pid)],
      ['appCommand', cmd],
      ...logPaths,
    ],
    warn,
  );
  if (plan.appPort) {
    out.out(M.waitingForApp(plan.appPort, t.appS));
    const port = plan.appPort;
    const hintS = appPortHintAfterS(t.appS);
    const w = await runner.waitForApp(signal, t.appS * 1000, hintS * 1000, () => out.out(M.nothingListens(plan.appId, port, hintS, t.appS)));
    if (w === 'timeout') {
      out.err(M.appNeverListened(plan.appPort, t.appS));
      await runner.stopBoth(t.graceMs);
      return 1;
    }
  }
  if (!signal.aborted && !app.hasExited() && !runner.sidecar?.hasExited()) out.out(M.upWithApp);
  return mainLoop(runner, signal, ctx, t);
}

/** Waits for the first of: a signal, the app exiting, the sidecar exiting; then stops the rest. */
async function mainLoop(runner: AppRunner, signal: AbortSignal, ctx: RunContext, t: Timing): Promise<number> {
  const { out } = ctx;
  const { app, sidecar } = runner;
  if (!sidecar) return 1;
  const events: Array<Promise<'signal' | 'app' | 'sidecar'>> = [
    whenAborted(signal).then(() => 'signal' as const),
    sidecar.exited.then(() => 'sidecar' as const),
  ];
  if (app) events.push(app.exited.then(() => 'app' as const));
  const event = await Promise.race(events);

  if (event === 'signal') return stopOnSignal(runner, ctx, t);

  if (event === 'app' && app) {
    const code = exitCodeOf(await app.exited);
    out.out(code === 0 ? M.exitedApp : M.appExitedWithError(code));
    await runner.stopApp(t.graceMs); // whatever the app left behind in its group
    const stopped = await runner.stopSidecar(t.graceMs);
    if (stopped) out.out(M.exitedDapr);
    else out.err(M.stopFailed('The Dapr sidecar', sidecar.pid));
    return stopped ? code : code || 1;
  }

  const code = exitCodeOf(await sidecar.exited);
  if (!app) {
    if (code === 0) {
      out.out(M.exitedDapr);
      return 0;
    }
    out.err(M.sidecarExited(code));
    return 1;
  }
  out.err(M.sidecarDied(code));
  if (await runner.stopApp(t.graceMs)) out.out(M.exitedApp);
  else out.err(M.stopFailed('The app', app.pid));
  return 1;
}

async function stopOnSignal(runner: AppRunner, ctx: RunContext, t: Timing): Promise<number> {
  const { out } = ctx;
  const r = await runner.stopBoth(t.graceMs);
  if (runner.sidecar) {
    if (r.sidecar) out.out(M.exitedDapr);
    else out.err(M.stopFailed('The Dapr sidecar', runner.sidecar.pid));
  }
  if (runner.app) {
    if (r.app) out.out(M.exitedApp);
    else out.err(M.stopFailed('The app', runner.app.pid));
  }
  return r.app && r.sidecar ? 0 : 1;
}

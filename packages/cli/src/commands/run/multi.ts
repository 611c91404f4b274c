/**
 * @module commands/run/multi
 * `minidapr run -f <file|dir>`: every app of a run file with its sidecar, working dir = appDirPath.
 * Console lines are prefixed `== APP - <id> == ` / `== DAPR - <id> == ` per the log destinations,
 * and log files go to `<appDir>/.minidapr/logs/<appID>_{app|daprd}_<yyyymmddhhmmss>.log`.
 * As with `dapr run -f`, apps end on their own without stopping anything else, and their sidecars
 * keep running: the run ends on Ctrl-C/SIGTERM (or `minidapr stop -f`), or once every sidecar is gone.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { APP_META_DIR, appPortHintAfterS } from '../../defaults';
import { compactTimestamp } from '../../lib/age';
import { lineSplitter, type Output } from '../../lib/output';
import { exitCodeOf } from '../../lib/processes';
import { trapSignals } from '../../lib/signals';
import { whenAborted } from '../../lib/wait';
import { multiRunMessages as MM, runMessages as M } from '../../messages';
import { AppRunner } from './app-runner';
import { commandLine } from './plan';
import type { RunFile, RunFileApp } from './run-file';
import { timing, type RunContext } from './single';
import type { LogDestination } from './validate';

/** Where one stream of output goes: a log file and/or the console with a prefix. */
class LogSink {
  readonly path: string | undefined;
  private readonly file: WriteStream | undefined;
  private readonly lines: Record<'stdout' | 'stderr', ReturnType<typeof lineSplitter>> | undefined;
  private readonly tailLines: string[] = [];

  constructor(dest: LogDestination, path: string, prefix: string, out: Output) {
    if (dest !== 'console') {
      this.path = path;
      this.file = createWriteStream(path, { flags: 'a' });
      this.file.on('error', () => {}); // a full disk must not kill the run
    }
    if (dest !== 'file') {
      this.lines = {
        stdout: lineSplitter((l) => out.out(prefix + l)),
        stderr: lineSplitter((l) => out.err(prefix + l)),
      };
    }
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.file?.write(chunk);
    this.lines?.[stream].push(chunk);
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) this.tailLines.push(l);
    if (this.tailLines.length > 20) this.tailLines.splice(0, this.tailLines.length - 20);
  }

  /** The last lines written, for showing why something failed when the console did not show it. */
  tail(n: number): string[] {
    return this.tailLines.slice(-n);
  }

  get toConsole(): boolean {
    return this.lines !== undefined;
  }

  async close(): Promise<void> {
    this.lines?.stdout.flush();
    this.lines?.stderr.flush();
    const f = this.file;
    if (f) await new Promise<void>((r) => f.end(r));
  }
}

interface Member {
  app: RunFileApp;
  runner: AppRunner;
  appLog: LogSink;
  daprdLog: LogSink;
}

function createMember(app: RunFileApp, stamp: string, ctx: RunContext): Member {
  const dir = join(app.cwd, APP_META_DIR, 'logs');
  mkdirSync(dir, { recursive: true });
  const appLog = new LogSink(app.appLogDestination, join(dir, `${app.appId}_app_${stamp}.log`), MM.appPrefix(app.appId), ctx.out);
  const daprdLog = new LogSink(app.daprdLogDestination, join(dir, `${app.appId}_daprd_${stamp}.log`), MM.daprPrefix(app.appId), ctx.out);
  const runner = new AppRunner({
    plan: app,
    baseEnv: ctx.env,
    onSidecarOutput: (s, c) => daprdLog.write(s, c),
    onAppOutput: (s, c) => appLog.write(s, c),
    onNotice: (l) => ctx.out.out(l),
  });
  return { app, runner, appLog, daprdLog };
}

/** Starts one member; resolves undefined when it is up, or why it could not start. */
async function startMember(m: Member, file: RunFile, signal: AbortSignal, ctx: RunContext): Promise<string | undefined> {
  const { out } = ctx;
  const t = timing(ctx.env);
  const { app, runner } = m;
  const r = await runner.startSidecar(signal, t.sidecarS * 1000, () => {});
  if (r.status === 'aborted') return undefined;
  if (r.status !== 'ready') {
    if (!m.daprdLog.toConsole) for (const l of m.daprdLog.tail(10)) out.err(MM.daprPrefix(app.appId) + l);
    const log = m.daprdLog.path ? ` (log: ${m.daprdLog.path})` : '';
    return r.status === 'timeout'
      ? `its sidecar was not ready within ${t.sidecarS}s${log}`
      : `its sidecar exited with code ${r.code}${log}`;
  }
  const ports = runner.ports;
  if (!ports) return 'its sidecar has no ports';
  out.out(MM.started(app.appId, ports.http, ports.grpc));
  const meta: Array<[string, string]> = [
    ['runTemplatePath', file.path],
    ['runTemplateName', file.name],
    ['cliPID', String(process.pid)],
  ];
  if (m.appLog.path) meta.push(['appLogPath', m.appLog.path]);
  if (m.daprdLog.path) meta.push(['daprdLogPath', m.daprdLog.path]);
  if (app.command.length > 0) {
    try {
      const proc = await runner.startApp();
      meta.push(['appPID', String(proc.pid)], ['appCommand', commandLine(app.command)]);
    } catch (err) {
      return M.appNotStarted(commandLine(app.command), (err as Error).message);
    }
  }
  await runner.storeMetadata(meta, (key, why) => out.err(M.metadataFailed(key, why)));
  if (app.command.length > 0 && app.appPort) {
    out.out(MM.waitingForApp(app.appId, app.appPort, t.appS));
    const port = app.appPort;
    const hintS = appPortHintAfterS(t.appS);
    const field = `apps[${app.index}].appPort`;
    const w = await runner.waitForApp(signal, t.appS * 1000, hintS * 1000, () => out.out(MM.nothingListens(app.appId, field, port, hintS, t.appS)));
    if (w === 'timeout') return MM.appNeverListened(app.appId, app.appPort, t.appS);
  }
  return undefined;
}

/** Reports how an app of the run ended; true when that is not a failure. */
async function reportAppExit(m: Member, ctx: RunContext): Promise<boolean> {
  const { out } = ctx;
  const id = m.app.appId;
  const exit = await (m.runner.app as NonNullable<AppRunner['app']>).exited;
  const code = exitCodeOf(exit);
  // `minidapr stop --app-id` ends one app of a run with SIGTERM: that is a stop, not a failure.
  const stopped = exit.signal === 'SIGTERM' || exit.signal === 'SIGINT';
  if (code === 0) out.out(MM.appExited(id));
  else if (stopped) out.out(MM.appStopped(id, exit.signal as string));
  else out.err(MM.appFailed(id, code, m.appLog.toConsole ? undefined : m.appLog.path));
  return code === 0 || stopped;
}

/**
 * Supervises one started member until a signal, or until its sidecar is gone. As with `dapr run -f`,
 * an app that exits leaves its sidecar running (other apps may still call it, and its state and
 * subscriptions stay reachable); `onAppGone` is called then. True when all went well.
 */
async function superviseMember(m: Member, signal: AbortSignal, ctx: RunContext, onAppGone: () => void): Promise<boolean> {
  const { out } = ctx;
  const { graceMs } = timing(ctx.env);
  const { app: proc, sidecar } = m.runner;
  const id = m.app.appId;
  if (!sidecar) return false;
  const aborted = whenAborted(signal).then(() => 'signal' as const);
  const sidecarGone = sidecar.exited.then(() => 'sidecar' as const);
  let appOk = true;
  if (proc) {
    const event = await Promise.race([aborted, sidecarGone, proc.exited.then(() => 'app' as const)]);
    if (event === 'signal') return stopMember(m, ctx);
    if (event === 'sidecar') {
      out.err(MM.sidecarDied(id, exitCodeOf(await sidecar.exited), m.daprdLog.toConsole ? undefined : m.daprdLog.path));
      if (await m.runner.stopApp(graceMs)) out.out(MM.appExited(id));
      return false;
    }
    appOk = await reportAppExit(m, ctx);
    await m.runner.stopApp(graceMs); // whatever the app left behind in its process group
    // `list` and `stop` must not take a reused pid for the app: the sidecar now runs alone.
    await m.runner.storeMetadata([['appPID', '0']], (key, why) => out.err(M.metadataFailed(key, why)));
    onAppGone();
  }
  const event = await Promise.race([aborted, sidecarGone]);
  if (event === 'signal') {
    const stopped = await m.runner.stopSidecar(graceMs);
    if (stopped) out.out(MM.daprExited(id));
    else out.err(M.stopFailed(`The Dapr sidecar of "${id}"`, sidecar.pid));
    return appOk && stopped;
  }
  const code = exitCodeOf(await sidecar.exited);
  if (code === 0) {
    out.out(MM.daprExited(id)); // stopped from outside (`minidapr stop --app-id`)
    return appOk;
  }
  out.err(MM.sidecarDied(id, code, m.daprdLog.toConsole ? undefined : m.daprdLog.path));
  return false;
}

async function stopMember(m: Member, ctx: RunContext): Promise<boolean> {
  const { out } = ctx;
  const id = m.app.appId;
  const { app: proc, sidecar } = m.runner;
  // Only what was still running is reported as stopped; an app that already ended reports its code.
  const appRunning = proc !== undefined && !proc.hasExited();
  const sidecarRunning = sidecar !== undefined && !sidecar.hasExited();
  const r = await m.runner.stopBoth(timing(ctx.env).graceMs);
  let ok = r.app && r.sidecar;
  if (proc && appRunning) {
    if (r.app) out.out(MM.appExited(id));
    else out.err(M.stopFailed(`The app "${id}"`, proc.pid));
  } else if (proc) {
    const code = exitCodeOf(await proc.exited);
    if (code === 0) out.out(MM.appExited(id));
    else out.err(MM.appFailed(id, code, m.appLog.toConsole ? undefined : m.appLog.path));
    ok &&= code === 0;
  }
  if (sidecar && sidecarRunning) {
    if (r.sidecar) out.out(MM.daprExited(id));
    else out.err(M.stopFailed(`The Dapr sidecar of "${id}"`, sidecar.pid));
  }
  return ok;
}

/** Runs every app of a validated run file; resolves the CLI's exit code. */
export async function runMulti(file: RunFile, fileArg: string, ctx: RunContext): Promise<number> {
  const { out } = ctx;
  const stamp = compactTimestamp(new Date());
  const stop = new AbortController();
  const members: Member[] = [];
  const trap = trapSignals(
    () => {
      out.out(M.terminated);
      stop.abort();
    },
    () => {
      out.err(M.forcedExit);
      for (const m of members) m.runner.kill();
    },
  );
  try {
    for (const app of file.apps) {
      out.out(MM.validating(app.appId));
      const m = createMember(app, stamp, ctx);
      out.out(MM.logDir(join(app.cwd, APP_META_DIR, 'logs')));
      members.push(m);
    }
    const failures = await Promise.all(
      members.map(async (m) => {
        const why = await startMember(m, file, stop.signal, ctx).catch((err: Error) => err.message);
        if (why && !stop.signal.aborted) {
          out.err(MM.startFailed(m.app.appId, why));
          stop.abort();
        }
        return why;
      }),
    );
    if (failures.some((f) => f !== undefined) || stop.signal.aborted) {
      const ok = (await Promise.all(members.map((m) => stopMember(m, ctx)))).every(Boolean);
      return failures.some((f) => f !== undefined) || !ok ? 1 : 0;
    }
    out.out(MM.allUp(members.length, fileArg, ctx.self));
    let appsLeft = members.filter((m) => m.runner.app).length;
    const onAppGone = (): void => {
      appsLeft -= 1;
      if (appsLeft === 0 && !stop.signal.aborted) out.out(MM.sidecarsKeepRunning(fileArg, ctx.self));
    };
    const results = await Promise.all(members.map((m) => superviseMember(m, stop.signal, ctx, onAppGone)));
    const failed = results.filter((ok) => !ok).length;
    if (!stop.signal.aborted) out.out(MM.allExited(failed));
    return failed === 0 ? 0 : 1;
  } finally {
    trap.dispose();
    await Promise.all(members.flatMap((m) => [m.appLog.close(), m.daprdLog.close()]));
  }
}

/**
 * @module commands/run/app-runner
 * One app and its sidecar, as both `run` forms drive them: pick ports, start minidaprd in its own
 * process group and wait for /v1.0/healthz/outbound, start the app in its own process group, store
 * the CLI metadata, wait for the app port, stop both.
 */
import { PORT_RACE_ATTEMPTS } from '../../defaults';
import { resolveHome } from '../../lib/home';
import { putMetadata, probeStatus } from '../../lib/http';
import { recordLaunch } from '../../lib/launches';
import { isListening, pickFreePort } from '../../lib/ports';
import { exitCodeOf, signalGroup, spawnGroup, type Supervised } from '../../lib/processes';
import { minidaprdPath } from '../../lib/runtime-bin';
import { SIDECAR_NODE_ARGS } from '@minidapr/runtime';
import { runMessages } from '../../messages';
import { waitUntil } from '../../lib/wait';
import { BOUND_PORTS, buildAppEnv, buildDaprdArgs, buildSidecarEnv, type AppPlan, type BoundPortName, type PortAssignment } from './plan';

export type OutputSink = (stream: 'stdout' | 'stderr', chunk: Buffer) => void;

export interface AppRunnerOptions {
  plan: AppPlan;
  /** The CLI's environment; the app and the sidecar get it plus their own variables. */
  baseEnv: NodeJS.ProcessEnv;
  onSidecarOutput: OutputSink;
  onAppOutput: OutputSink;
  /** Progress lines (waiting for…, retrying…). */
  onNotice(line: string): void;
}

export type SidecarStart =
  | { status: 'ready' }
  | { status: 'aborted' }
  | { status: 'timeout' }
  | { status: 'exited'; code: number };

export type AppWait = 'ready' | 'timeout' | 'aborted' | 'app-exited' | 'sidecar-exited';

const TAIL_BYTES = 8192;

export class AppRunner {
  readonly plan: AppPlan;
  ports: PortAssignment | undefined;
  sidecar: Supervised | undefined;
  app: Supervised | undefined;
  private readonly o: AppRunnerOptions;
  private readonly picked = new Set<number>();
  private tail = '';

  constructor(o: AppRunnerOptions) {
    this.o = o;
    this.plan = o.plan;
  }

  /** The user's ports, and free ones for the rest (never 3500 by default, like dapr/cli). */
  private async assignPorts(): Promise<PortAssignment> {
    const ports = {} as Record<BoundPortName, number>;
    for (const name of BOUND_PORTS) {
      const chosen = this.plan.ports[name];
      if (chosen !== undefined) {
        ports[name] = chosen;
      } else {
        ports[name] = await pickFreePort();
        this.picked.add(ports[name]);
      }
    }
    return ports;
  }

  /**
   * Starts the sidecar and waits for /v1.0/healthz/outbound. When a port minidapr picked was taken
   * by someone else in the meantime, it retries with new ports. `onStarting` runs before each spawn.
   */
  async startSidecar(signal: AbortSignal, timeoutMs: number, onStarting: (ports: PortAssignment) => void): Promise<SidecarStart> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const ports = await this.assignPorts();
      this.ports = ports;
      onStarting(ports);
      this.tail = '';
      const sidecar = await spawnGroup(process.execPath, [...SIDECAR_NODE_ARGS, minidaprdPath(), ...buildDaprdArgs(this.plan, ports)], {
        cwd: this.plan.cwd,
        env: buildSidecarEnv(this.plan, this.o.baseEnv),
        onOutput: (stream, chunk) => {
          this.tail = (this.tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
          this.o.onSidecarOutput(stream, chunk);
        },
      });
      this.sidecar = sidecar;
      const r = await waitUntil(async () => (await probeStatus(ports.http, '/v1.0/healthz/outbound', this.o.baseEnv)) === 204, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        signal,
        failFast: () => (sidecar.hasExited() ? 'exited' : undefined),
      });
      if (r === 'ok') return { status: 'ready' };
      if (r === 'aborted' || r === 'timeout') return { status: r };
      const code = exitCodeOf(await sidecar.exited);
      const busy = Number(/port (\d+) is already in use/.exec(this.tail)?.[1]);
      if (attempt < PORT_RACE_ATTEMPTS && this.picked.has(busy) && Date.now() < deadline) {
        this.o.onNotice(runMessages.portRetry(busy));
        continue;
      }
      return { status: 'exited', code };
    }
  }

  /** Starts the app command; rejects (with the OS reason) when it cannot be started at all. */
  async startApp(): Promise<Supervised> {
    const [cmd, ...args] = this.plan.command;
    if (!cmd || !this.ports) throw new Error('programming error: startApp needs a command and a started sidecar');
    this.app = await spawnGroup(cmd, args, {
      cwd: this.plan.cwd,
      env: buildAppEnv(this.plan, this.ports, this.o.baseEnv),
      onOutput: this.o.onAppOutput,
    });
    return this.app;
  }

  /** PUT /v1.0/metadata/<key> for each entry; failures are reported, not fatal. */
  async storeMetadata(entries: Array<[string, string]>, onWarning: (key: string, why: string) => void): Promise<void> {
    if (!this.ports) return;
    for (const [key, value] of entries) {
      // Only pids this CLI recorded itself are ever signalled by `minidapr stop` (not what the API says).
      if ((key === 'appPID' || key === 'cliPID') && Number(value) > 0) recordLaunch(resolveHome(this.o.baseEnv), Number(value), key === 'appPID' ? 'app' : 'cli');
      try {
        await putMetadata(this.ports.http, key, value, this.o.baseEnv);
      } catch (err) {
        onWarning(key, (err as Error).message);
      }
    }
  }

  /**
   * Waits until the sidecar sees the app port open (/v1.0/healthz answers 204). When nothing listens
   * on the app port after `hintAfterMs`, `onNothingListens` is called once (a wrong --app-port
   * should not cost the whole timeout to find out); the wait goes on until `timeoutMs`.
   */
  async waitForApp(signal: AbortSignal, timeoutMs: number, hintAfterMs?: number, onNothingListens?: () => void): Promise<AppWait> {
    const http = this.ports?.http;
    if (!http) return 'sidecar-exited';
    let done = false;
    const { appPort, appChannelAddress } = this.plan;
    const hint =
      hintAfterMs !== undefined && onNothingListens && appPort
        ? setTimeout(() => {
            void isListening(appPort, appChannelAddress).then((listening) => {
              if (!listening && !done) onNothingListens();
            });
          }, hintAfterMs)
        : undefined;
    try {
      const r = await waitUntil(async () => (await probeStatus(http, '/v1.0/healthz', this.o.baseEnv)) === 204, {
        timeoutMs,
        signal,
        failFast: () => (this.app?.hasExited() ? 'app-exited' : this.sidecar?.hasExited() ? 'sidecar-exited' : undefined),
      });
      return r === 'ok' ? 'ready' : (r as AppWait);
    } finally {
      done = true;
      clearTimeout(hint);
    }
  }

  async stopApp(graceMs: number): Promise<boolean> {
    return this.app ? this.app.stop(graceMs) : true;
  }

  async stopSidecar(graceMs: number): Promise<boolean> {
    return this.sidecar ? this.sidecar.stop(graceMs) : true;
  }

  /** Stops the app and the sidecar together; resolves whether each is gone. */
  async stopBoth(graceMs: number): Promise<{ app: boolean; sidecar: boolean }> {
    const [app, sidecar] = await Promise.all([this.stopApp(graceMs), this.stopSidecar(graceMs)]);
    return { app, sidecar };
  }

  /** SIGKILL to both process groups, now (second Ctrl-C). */
  kill(): void {
    if (this.app) signalGroup(this.app.pid, 'SIGKILL');
    if (this.sidecar) signalGroup(this.sidecar.pid, 'SIGKILL');
  }
}

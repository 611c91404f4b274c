/**
 * @module commands/dashboard
 * `minidapr dashboard`: the dashboard web app (apps, logs, explorer, components, traces, service
 * graph, metrics) on -p/--port at -a/--address, with the embedded trace collector (Zipkin on
 * --zipkin-port, OTLP/HTTP on --otlp-port) unless --no-collector; runs until Ctrl-C. Besides the
 * apps of MINIDAPR_HOME's registry it watches the sidecars given with --sidecar and
 * MINIDAPR_DASHBOARD_SIDECARS (containers, pods).
 */
import {
  DEFAULT_DASHBOARD_HOST,
  DEFAULT_DASHBOARD_PORT,
  DEFAULT_OTLP_PORT,
  DEFAULT_ZIPKIN_PORT,
  ListenError,
  startDashboard,
} from '@minidapr/dashboard';
import { ExitError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { staticSidecars } from './sidecars';
import { processOutput, type Output } from '../../lib/output';
import { findPortOwner } from '../../lib/ports';
import { trapSignals } from '../../lib/signals';
import { whenAborted } from '../../lib/wait';
import { dashboardMessages as M, ownerSuffix } from '../../messages';

export interface DashboardOptions {
  port?: number;
  address?: string;
  zipkinPort?: number;
  otlpPort?: number;
  /** false with --no-collector. */
  collector?: boolean;
  /** --sidecar entries (repeatable, comma-separated). */
  sidecar?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

/** Which flag chose the port a ListenError names. */
function flagOf(err: ListenError, o: { zipkinPort: number; otlpPort: number }): string {
  if (err.what === 'dashboard') return '-p, --port';
  return err.port === o.otlpPort && err.port !== o.zipkinPort ? '--otlp-port' : '--zipkin-port';
}

export async function dashboard(options: DashboardOptions): Promise<void> {
  const out = options.output ?? processOutput();
  const env = options.env ?? process.env;
  const home = resolveHome(env);
  const host = options.address ?? DEFAULT_DASHBOARD_HOST;
  const ports = { zipkinPort: options.zipkinPort ?? DEFAULT_ZIPKIN_PORT, otlpPort: options.otlpPort ?? DEFAULT_OTLP_PORT };
  const withCollector = options.collector !== false;
  const sidecars = staticSidecars(options.sidecar, env);
  let running: Awaited<ReturnType<typeof startDashboard>>;
  try {
    running = await startDashboard({
      home,
      host,
      port: options.port ?? DEFAULT_DASHBOARD_PORT,
      collector: withCollector ? ports : false,
      apiToken: env.DAPR_API_TOKEN || undefined,
      sidecars,
    });
  } catch (err) {
    if (err instanceof ListenError) {
      const owner = err.code === 'EADDRINUSE' ? ownerSuffix(findPortOwner(err.port)) : '';
      throw new ExitError(1, M.cannotListen(flagOf(err, ports), err.port, err.code === 'EADDRINUSE', owner, err.message, err.what === 'collector'));
    }
    throw err;
  }
  out.out(M.running(running.url));
  for (const s of sidecars) out.out(M.watching(s.appId, `${s.host}:${s.httpPort}`, s.metricsPort));
  if (running.collector) {
    const h = host.includes(':') ? `[${host}]` : host;
    out.out(M.zipkin(`http://${h}:${running.collector.zipkinPort}/api/v2/spans`, running.collector.zipkinPort === DEFAULT_ZIPKIN_PORT));
    if (running.collector.otlpPort) out.out(M.otlp(`http://${h}:${running.collector.otlpPort}/v1/traces`));
  } else out.out(M.noCollector);
  out.out(M.stopHint);
  const trap = trapSignals(
    () => {},
    () => out.err(M.stillStopping),
  );
  try {
    await whenAborted(trap.signal);
    out.out(M.stopping);
    await running.close();
    out.out(M.stopped);
  } finally {
    trap.dispose();
  }
}

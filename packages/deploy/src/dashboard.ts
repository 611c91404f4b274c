/**
 * @module dashboard
 * The dashboard in containers: which compose services and Kubernetes containers run the dashboard
 * image, their command lines checked by the `minidapr` CLI's own option parser (the image's
 * ENTRYPOINT plus the service's arguments), the static sidecars they watch, and the Zipkin
 * endpoint a Configuration's `spec.tracing` sends spans to.
 */
import { readFileSync } from 'node:fs';
import { buildProgram, staticSidecars, type Output } from '@minidapr/cli';
import { parse } from 'yaml';

/** images.yaml `built` key of the dashboard image. */
export const DASHBOARD_IMAGE_KEY = 'dashboard';
/** The compose service / Kubernetes Service name sidecars send spans to. */
export const DASHBOARD_SERVICE = 'dashboard';
export const DASHBOARD_PROFILE = 'dashboard';

/** The image name without registry path and tag is `dashboard`. */
export function isDashboardImage(ref: string | undefined): boolean {
  return /(^|\/)dashboard(:|@|$)/.test(ref ?? '');
}

export interface DashboardSidecar {
  appId: string;
  host: string;
  httpPort: number;
  metricsPort: number;
}

export interface DashboardOptions {
  port: number;
  address: string;
  zipkinPort: number;
  otlpPort: number;
  collector: boolean;
  sidecars: DashboardSidecar[];
}

export interface DashboardArgsCheck {
  options?: DashboardOptions;
  /** Parse errors, each prefixed with where the command line came from. */
  problems: string[];
}

/** The CLI arguments an exec-form ENTRYPOINT/command passes after the `minidapr` script. */
export function cliArgsOf(command: readonly string[]): string[] | undefined {
  const i = command.findIndex((a) => /(^|\/)minidapr(\.js)?$/.test(a));
  return i < 0 ? undefined : command.slice(i + 1);
}

/**
 * Parses `minidapr <argv>` with the CLI's command table and commander program, without running the
 * command; `env` supplies MINIDAPR_DASHBOARD_SIDECARS.
 */
export function checkDashboardArgs(argv: readonly string[], where: string, env: NodeJS.ProcessEnv = {}): DashboardArgsCheck {
  const printed: string[] = [];
  const output: Output = {
    out: (s) => void printed.push(s),
    err: (s) => void printed.push(s),
    raw: (_stream, s) => void printed.push(String(s)),
  };
  const program = buildProgram({ cwd: '/', env, output });
  const cmd = program.commands.find((c) => c.name() === 'dashboard');
  if (!cmd) return { problems: [`${where}: the CLI has no dashboard command`] };
  if (argv[0] !== 'dashboard') return { problems: [`${where}: runs \`minidapr ${argv.join(' ')}\`, not \`minidapr dashboard\``] };
  let opts: Record<string, unknown> | undefined;
  // Same parser, same option table; only the action is replaced so nothing starts.
  cmd.action(() => {
    opts = cmd.opts();
  });
  try {
    program.parse([...argv], { from: 'user' });
  } catch {
    return { problems: [`${where}: ${printed.join('').split('\n')[0]?.trim() || 'the CLI rejects the command line'}`] };
  }
  const o = opts ?? {};
  try {
    const sidecars = staticSidecars(o.sidecar as string[] | undefined, env);
    return {
      options: {
        port: (o.port as number | undefined) ?? 8080,
        address: (o.address as string | undefined) ?? 'localhost',
        zipkinPort: (o.zipkinPort as number | undefined) ?? 9411,
        otlpPort: (o.otlpPort as number | undefined) ?? 4318,
        collector: o.collector !== false,
        sidecars,
      },
      problems: [],
    };
  } catch (err) {
    return { problems: [`${where}: ${(err as Error).message}`] };
  }
}

export interface TracingSpec {
  samplingRate?: string;
  zipkinEndpoint?: string;
}

/** `spec.tracing` of a Configuration file (the fields the sidecars export spans with). */
export function tracingOf(file: string): TracingSpec {
  const doc = parse(readFileSync(file, 'utf8')) as { spec?: { tracing?: { samplingRate?: unknown; zipkin?: { endpointAddress?: unknown } } } } | null;
  const t = doc?.spec?.tracing;
  if (!t) return {};
  return {
    ...(t.samplingRate !== undefined ? { samplingRate: String(t.samplingRate) } : {}),
    ...(t.zipkin?.endpointAddress !== undefined ? { zipkinEndpoint: String(t.zipkin.endpointAddress) } : {}),
  };
}

/** Problems with a Zipkin endpoint that should reach the dashboard's collector at `host:port`. */
export function checkZipkinEndpoint(endpoint: string | undefined, hosts: readonly string[], port: number, where: string): string[] {
  if (!endpoint) return [`${where}: no spec.tracing.zipkin.endpointAddress`];
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return [`${where}: spec.tracing.zipkin.endpointAddress ${endpoint} is not a URL`];
  }
  const problems: string[] = [];
  if (!hosts.includes(url.hostname)) problems.push(`${where}: spans go to host ${url.hostname}, the dashboard is ${hosts.join(' or ')}`);
  if (Number(url.port || 80) !== port) problems.push(`${where}: spans go to port ${url.port || 80}, the dashboard's collector listens on ${port}`);
  if (url.pathname !== '/api/v2/spans') problems.push(`${where}: spans go to ${url.pathname}, the collector takes them on /api/v2/spans`);
  return problems;
}

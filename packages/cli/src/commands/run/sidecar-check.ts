/**
 * @module commands/run/sidecar-check
 * Checks a planned sidecar with minidaprd's own flag parser (`parseOptions` of @minidapr/runtime),
 * run over the command line the plan starts minidaprd with, so `run` rejects exactly what minidaprd
 * would, before anything starts. The CLI keeps only what is its own: value types (a YAML string
 * where a number belongs), paths that must exist, and the ports (it picks the free ones itself).
 */
import { canonicalFlag, defaults, parseOptions, type RuntimeOptions } from '@minidapr/runtime';
import { BOUND_PORTS, buildDaprdArgs, type AppPlan, type BoundPortName, type PortAssignment } from './plan';

/** Port flags: checked by the CLI (1-65535 when chosen; otherwise it picks a free one at start). */
const CLI_OWNED = new Set(['app-port', 'dapr-http-port', 'dapr-grpc-port', 'dapr-internal-port', 'metrics-port']);

const DEFAULT_PORTS: Readonly<Record<BoundPortName, number>> = {
  http: defaults.DEFAULT_DAPR_HTTP_PORT,
  grpc: defaults.DEFAULT_DAPR_GRPC_PORT,
  internal: defaults.DEFAULT_DAPR_INTERNAL_PORT,
  metrics: defaults.DEFAULT_METRICS_PORT,
};

/** The plan's chosen ports, and distinct stand-ins for the ones picked only at start. */
function portsForCheck(plan: AppPlan): PortAssignment {
  const used = new Set<number>([plan.appPort ?? 0, ...Object.values(plan.ports)]);
  const out = {} as Record<BoundPortName, number>;
  for (const name of BOUND_PORTS) {
    let port = plan.ports[name] ?? DEFAULT_PORTS[name];
    if (plan.ports[name] === undefined) while (used.has(port)) port++;
    used.add(port);
    out[name] = port;
  }
  return out;
}

export interface SidecarCheck {
  /** minidaprd's problems, by its canonical flag name (port flags left out: the CLI checks those). */
  issues: Map<string, string[]>;
  /** The options minidaprd would run with (normalised: `DEBUG` → `debug`), when there is no problem. */
  options?: Readonly<RuntimeOptions>;
  /** All of minidaprd's messages (`--flag: what`), port flags included. */
  errors: string[];
}

/** Parses the plan's minidaprd command line as minidaprd will. */
export function checkSidecar(plan: AppPlan): SidecarCheck {
  const parsed = parseOptions(buildDaprdArgs(plan, portsForCheck(plan)), {}, plan.cwd);
  const issues = new Map<string, string[]>();
  for (const { flag, message } of parsed.issues) {
    const name = canonicalFlag(flag);
    if (CLI_OWNED.has(name)) continue;
    issues.set(name, [...(issues.get(name) ?? []), message]);
  }
  return { issues, options: parsed.options, errors: parsed.errors };
}

/** A problem the CLI found itself, tagged with the minidaprd flag it is about (for ordering and de-duplication). */
export interface OwnIssue {
  flag: string;
  text: string;
}

/**
 * Every problem, in `order` (canonical flag names; unlisted flags go last, in minidaprd's order).
 * minidaprd's problems with a flag the CLI already reported are left out; `label` names a flag
 * the way the user wrote it (`--dapr-internal-grpc-port`, `apps[0].logLevel`).
 */
export function mergeIssues(own: readonly OwnIssue[], check: SidecarCheck, order: readonly string[], label: (flag: string) => string): string[] {
  const reported = new Set(own.map((i) => i.flag));
  const all: OwnIssue[] = [...own];
  for (const [flag, messages] of check.issues) {
    if (!reported.has(flag)) for (const m of messages) all.push({ flag, text: `${label(flag)}: ${m}` });
  }
  const rank = (flag: string): number => {
    const i = order.indexOf(flag);
    return i < 0 ? order.length : i;
  };
  return all
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => rank(a.issue.flag) - rank(b.issue.flag) || a.i - b.i)
    .map(({ issue }) => issue.text);
}

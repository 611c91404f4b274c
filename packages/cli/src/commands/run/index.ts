/**
 * @module commands/run
 * `minidapr run`: one app with flags (`-- <command...>`), or every app of a run file (`-f`).
 */
import { ConfigError, ExitError } from '../../errors';
import { homeConfigFile, resolveHome } from '../../lib/home';
import { processOutput, type Output } from '../../lib/output';
import { CLI_NAME } from '../../lib/self';
import { runMessages as M } from '../../messages';
import { planFromFlags, type RunFlags } from './flags';
import { runMulti } from './multi';
import { appPortOwner, checkSidecarPorts } from './preflight';
import { loadRunFile } from './run-file';
import type { AppPlan } from './plan';
import { runSingle } from './single';

export interface RunOptions extends RunFlags {
  /** A multi-app run file, or a directory holding dapr.yaml. */
  runFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
  self?: string;
}

/** One warning when the run falls back to MINIDAPR_HOME files that `minidapr init` would create. */
function warnHomeMissing(plans: readonly AppPlan[], home: string, out: Output, self: string): void {
  const missing = [...new Set(plans.flatMap((p) => p.homeMissing ?? []))].map((path) => ({
    path,
    kind: path === homeConfigFile(home) ? ('config' as const) : ('components' as const),
  }));
  if (missing.length > 0) out.err(M.homeMissing(missing, self));
}

/** Resolves when the run is over with exit code 0; throws ExitError with the code otherwise. */
export async function run(options: RunOptions): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const out = options.output ?? processOutput();
  const home = resolveHome(env);
  const self = options.self ?? CLI_NAME;
  let code: number;
  if (options.runFile !== undefined) {
    const conflicts: string[] = [];
    if (options.command && options.command.length > 0) conflicts.push('--run-file: the app commands come from the run file; remove the command after --');
    if (options.appId !== undefined) conflicts.push('--run-file: app ids come from the run file; remove --app-id');
    if (conflicts.length > 0) throw new ConfigError(conflicts, 'run');
    const file = loadRunFile(options.runFile, cwd, home);
    if (file.apps.some((a) => a.logLevel === 'debug')) for (const n of file.notes) out.out(n);
    const busy = await checkSidecarPorts(file.apps, `${file.label}: `);
    if (busy.length > 0) throw new ExitError(1, busy.join('\n'));
    warnHomeMissing(file.apps, home, out, self);
    code = await runMulti(file, options.runFile, { out, env, self });
  } else {
    const plan = planFromFlags(options, cwd, home);
    const busy = await checkSidecarPorts([plan]);
    if (busy.length > 0) throw new ExitError(1, busy.join('\n'));
    warnHomeMissing([plan], home, out, self);
    if (plan.command.length > 0 && plan.appPort) {
      const owner = await appPortOwner(plan);
      if (owner !== undefined) out.err(M.appPortBusy(plan.appPort, owner));
    }
    code = await runSingle(plan, { out, env, self, home });
  }
  if (code !== 0) throw new ExitError(code);
}

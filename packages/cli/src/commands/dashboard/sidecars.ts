/**
 * @module commands/dashboard/sidecars
 * The sidecars `minidapr dashboard` watches without a registry entry: MINIDAPR_DASHBOARD_SIDECARS's
 * entries, then --sidecar's (a flag entry replaces the variable's for the same app id). A malformed
 * entry is an ExitError naming the flag or the variable and the value.
 */
import { parseSidecarList, SIDECARS_ENV, SidecarSpecError, type StaticSidecar } from '@minidapr/dashboard';
import { ExitError } from '../../errors';

export function staticSidecars(flag: readonly string[] | undefined, env: NodeJS.ProcessEnv): StaticSidecar[] {
  try {
    const fromEnv = parseSidecarList(env[SIDECARS_ENV] ? [env[SIDECARS_ENV]] : [], SIDECARS_ENV);
    const fromFlag = parseSidecarList(flag ?? [], '--sidecar');
    return [...fromEnv.filter((e) => !fromFlag.some((f) => f.appId === e.appId)), ...fromFlag];
  } catch (err) {
    if (err instanceof SidecarSpecError) throw new ExitError(1, err.message);
    throw err;
  }
}

/**
 * @module commands/run/preflight
 * Before anything starts: every port the user chose for a sidecar must be free. A busy port is
 * reported with its flag (or run-file field) and, where the OS lets us see it, the process holding it.
 */
import { canBind, findPortOwner } from '../../lib/ports';
import { ownerSuffix, portInUse } from '../../messages';
import { BOUND_PORTS, type AppPlan } from './plan';

/** One message per chosen sidecar port that cannot be bound; empty when all is well. */
export async function checkSidecarPorts(plans: readonly AppPlan[], labelPrefix = ''): Promise<string[]> {
  const issues: string[] = [];
  for (const plan of plans) {
    for (const name of BOUND_PORTS) {
      const port = plan.ports[name];
      if (port === undefined || (await canBind(port))) continue;
      issues.push(portInUse(`${labelPrefix}${plan.portLabels[name] ?? name}`, port, ownerSuffix(findPortOwner(port))));
    }
  }
  return issues;
}

/** The owner of a busy app port (a warning: the app port belongs to the app, which may run already). */
export async function appPortOwner(plan: AppPlan): Promise<string | undefined> {
  if (!plan.appPort || (await canBind(plan.appPort))) return undefined;
  return ownerSuffix(findPortOwner(plan.appPort));
}

/**
 * @module compose/sidecars
 * Finds the minidaprd sidecar services of a compose project and what they need from the host:
 * their app (the service whose network namespace they share), their command line, and the host
 * folders behind --resources-path and --config.
 */
import { isAbsolute, join, relative } from 'node:path';
import type { ComposeProject, ComposeService, ComposeVolume } from './load';

export interface ComposeSidecar {
  service: ComposeService;
  /** The app service (network_mode "service:<app>"); undefined when the sidecar has its own network. */
  app?: ComposeService;
  args: string[];
}

/** The host path behind a container path, through the service's bind mounts. */
export function hostPath(service: ComposeService, containerPath: string): string | undefined {
  for (const v of service.volumes) {
    if (!v.bind) continue;
    const rel = relative(v.target, containerPath);
    if (rel === '') return v.source;
    if (!rel.startsWith('..') && !isAbsolute(rel)) return join(v.source, rel);
  }
  return undefined;
}

/** The named volume mounted at (or above) a container path of the service. */
export function namedVolumeAt(service: ComposeService, containerPath: string): ComposeVolume | undefined {
  return service.volumes.find((v) => {
    if (v.bind) return false;
    const rel = relative(v.target, containerPath);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

const runsSidecarImage = (s: ComposeService): boolean => /(^|\/)minidaprd(:|@|$)/.test(s.image ?? '');

/** The one-shot services that create the mTLS trust root with the sidecar image (bin/create-trust-root.js). */
export function trustRootServicesOf(project: ComposeProject): ComposeService[] {
  return project.services.filter((s) => runsSidecarImage(s) && (s.entrypoint ?? []).some((a) => a.endsWith('bin/create-trust-root.js')));
}

/** Services running the sidecar image (its name without the tag ends with `/minidaprd`) with its own entrypoint. */
export function sidecarsOf(project: ComposeProject): ComposeSidecar[] {
  const byName = new Map(project.services.map((s) => [s.name, s]));
  return project.services
    .filter((s) => runsSidecarImage(s) && s.entrypoint === undefined)
    .map((s) => {
      const target = /^service:(.+)$/.exec(s.networkMode ?? '')?.[1];
      return { service: s, app: target ? byName.get(target) : undefined, args: s.command ?? [] };
    });
}

/** The values of a repeatable flag (`--flag v` or `--flag=v`), in order. */
export function flagValues(args: readonly string[], ...names: string[]): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    for (const n of names) {
      if (a === `--${n}` && i + 1 < args.length) out.push(args[i + 1] as string);
      else if (a.startsWith(`--${n}=`)) out.push(a.slice(n.length + 3));
    }
  });
  return out.flatMap((v) => v.split(',')).filter(Boolean);
}

/**
 * @module components
 * The component files a sidecar mounts, loaded with minidaprd's own loader (the same shape checks,
 * scopes and duplicate-name rules as at start-up), plus what the loader leaves to init time: the
 * type is registered, and every secretKeyRef points at a secret store of the same set that can
 * answer it.
 */
import { loadResources, registerBuiltins, type ComponentManifest } from '@minidapr/runtime/components';

export interface ComponentsCheck {
  components: ComponentManifest[];
  problems: string[];
  /** Types not registered in this build of minidaprd yet but expected soon (reported, not failed). */
  pending: string[];
}

export interface ComponentsCheckOptions {
  appId: string;
  namespace?: string;
  /** Environment variable names the sidecar has (for secretstores.local.env references). */
  envNames?: readonly string[];
  /** Types other work in progress adds to the runtime: reported as pending instead of failing. */
  pendingTypes?: readonly string[];
}

/** Component types the repository's deployment files use before the runtime has them. */
export const PENDING_TYPES: readonly string[] = ['secretstores.local.env', 'secretstores.local.file'];

export function checkComponents(paths: readonly string[], o: ComponentsCheckOptions): ComponentsCheck {
  const problems: string[] = [];
  const pending: string[] = [];
  let components: ComponentManifest[] = [];
  try {
    components = loadResources(paths, { appId: o.appId, namespace: o.namespace }).components;
  } catch (err) {
    const issues = (err as { issues?: string[] }).issues;
    return { components, problems: issues ?? [(err as Error).message], pending };
  }
  const registry = registerBuiltins();
  const pendingTypes = o.pendingTypes ?? PENDING_TYPES;
  const byName = new Map(components.map((c) => [c.name, c]));
  for (const c of components) {
    const at = `${c.file}: component "${c.name}"`;
    if (!registry.has(c.type, c.version)) {
      if (pendingTypes.includes(c.type)) pending.push(`${at}: ${c.type} is not in this build of minidaprd yet`);
      else problems.push(`${at}: type ${c.type}/${c.version || 'v1'} is not registered in minidaprd (known: ${registry.knownTypes().join(', ')})`);
    }
    for (const item of c.metadata) {
      if (!item.secretKeyRef) continue;
      const storeName = c.secretStore;
      const store = storeName ? byName.get(storeName) : undefined;
      if (!storeName) {
        problems.push(`${at}: metadata "${item.name}" uses secretKeyRef but the component has no auth.secretStore`);
      } else if (!store || !store.type.startsWith('secretstores.')) {
        problems.push(`${at}: auth.secretStore "${storeName}" is not a secret store component in the same resources`);
      } else if (store.type === 'secretstores.local.env' && o.envNames && !o.envNames.includes(item.secretKeyRef.name)) {
        problems.push(`${at}: metadata "${item.name}" reads secret ${item.secretKeyRef.name} from the sidecar's environment, which does not set it`);
      }
    }
  }
  return { components, problems, pending };
}

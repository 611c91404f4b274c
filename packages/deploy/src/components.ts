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
}

export interface ComponentsCheckOptions {
  appId: string;
  namespace?: string;
  /** Environment variable names the sidecar has (for secretstores.local.env references). */
  envNames?: readonly string[];
}

export function checkComponents(paths: readonly string[], o: ComponentsCheckOptions): ComponentsCheck {
  const problems: string[] = [];
  let components: ComponentManifest[] = [];
  try {
    components = loadResources(paths, { appId: o.appId, namespace: o.namespace }).components;
  } catch (err) {
    const issues = (err as { issues?: string[] }).issues;
    return { components, problems: issues ?? [(err as Error).message] };
  }
  const registry = registerBuiltins();
  const byName = new Map(components.map((c) => [c.name, c]));
  for (const c of components) {
    const at = `${c.file}: component "${c.name}"`;
    if (!registry.has(c.type, c.version)) {
      problems.push(`${at}: type ${c.type}/${c.version || 'v1'} is not registered in minidaprd (known: ${registry.knownTypes().join(', ')})`);
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
  return { components, problems };
}

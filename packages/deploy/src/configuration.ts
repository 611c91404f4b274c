/**
 * @module configuration
 * A Configuration file checked the way minidaprd reads it at start-up (--config): the runtime's
 * own loader, then the name-resolution fields it acts on.
 */
import { dirname, join } from 'node:path';

interface RuntimeConfiguration {
  nameResolution?: { component?: string; configuration?: Record<string, unknown> };
}
type LoadConfiguration = (paths: readonly string[], env: NodeJS.ProcessEnv) => RuntimeConfiguration;

/* The runtime's package exports do not include its Configuration loader yet: load the compiled module. */
function runtimeLoader(): LoadConfiguration {
  const dir = dirname(require.resolve('@minidapr/runtime/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return (require(join(dir, 'dist', 'config', 'configuration.js')) as { loadConfiguration: LoadConfiguration }).loadConfiguration;
}

const RESOLVERS = ['mdns', 'self-hosted', 'sqlite', 'dns', 'nameformat', 'kubernetes'];

/** Problems with a --config file; the resolver component it selects when valid. */
export function checkConfiguration(file: string): { problems: string[]; resolver?: string } {
  let cfg: RuntimeConfiguration;
  try {
    cfg = runtimeLoader()(file ? [file] : [], {});
  } catch (err) {
    return { problems: (err as { issues?: string[] }).issues ?? [`${file}: ${(err as Error).message}`] };
  }
  const nr = cfg.nameResolution;
  if (!nr) return { problems: [] };
  const component = (nr.component ?? '').toLowerCase();
  if (!RESOLVERS.includes(component)) return { problems: [`${file}: spec.nameResolution.component "${nr.component}" is not one of ${RESOLVERS.join(', ')}`] };
  const template = nr.configuration?.template ?? nr.configuration?.format;
  if (['dns', 'nameformat'].includes(component) && !/\{appid\}/i.test(String(template ?? ''))) {
    return { problems: [`${file}: spec.nameResolution.configuration.template must contain {appId}`] };
  }
  return { problems: [], resolver: component };
}

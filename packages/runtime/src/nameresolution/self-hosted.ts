/**
 * @module nameresolution/self-hosted
 * The default resolver on one machine: looks the app id up in the instance registry under
 * MINIDAPR_HOME. Answers are cached briefly; a connection failure invalidates them.
 */
import { listInstances } from './instances';
import type { NameResolver, SidecarAddress } from './types';

const CACHE_MS = 2000;

export function createSelfHostedResolver(home: string, now: () => number = Date.now): NameResolver {
  const cache = new Map<string, { at: number; address: SidecarAddress[] }>();
  let next = 0;
  return {
    name: 'self-hosted',
    async resolve(appId, namespace) {
      const key = `${namespace ?? ''}/${appId}`;
      let hit = cache.get(key);
      if (!hit || now() - hit.at > CACHE_MS) {
        const address = listInstances(home)
          .filter((i) => i.appId === appId && (i.namespace ?? '') === (namespace ?? ''))
          .map((i) => ({ host: i.host, port: i.internalPort }));
        hit = { at: now(), address };
        if (address.length > 0) cache.set(key, hit);
        else cache.delete(key);
      }
      if (hit.address.length === 0) return undefined;
      // Several replicas of one app id share the calls round-robin.
      return hit.address[next++ % hit.address.length];
    },
    invalidate(appId) {
      for (const key of cache.keys()) if (key.endsWith(`/${appId}`)) cache.delete(key);
    },
  };
}

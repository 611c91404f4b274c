/**
 * @module lib/use-live-load
 * Data a page fetches once and the live stream then replaces: whichever came last is shown, so the
 * Refresh button and live pushes both work, and a push that beats the first fetch wins.
 */
import { useEffect } from 'preact/hooks';
import type { LiveEventName, LiveEvents } from '../api/types';
import { useLive } from './live';
import { useLoad, type Loaded } from './use-load';

export function useLiveLoad<K extends LiveEventName>(name: K, load: () => Promise<LiveEvents[K]>): Loaded<LiveEvents[K]> {
  const loaded = useLoad(load, [name]);
  const pushed = useLive(name);
  useEffect(() => {
    if (pushed !== undefined) loaded.set(pushed);
  }, [pushed]);
  return loaded;
}

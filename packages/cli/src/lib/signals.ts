/**
 * @module lib/signals
 * Ctrl-C / SIGTERM / SIGHUP handling for supervising commands: the first signal starts a graceful
 * stop (the AbortSignal fires), a second one asks to kill everything at once.
 */

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalTrap {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function trapSignals(onFirst: () => void, onSecond: () => void): SignalTrap {
  const ac = new AbortController();
  const handler = (): void => {
    if (ac.signal.aborted) {
      onSecond();
      return;
    }
    onFirst();
    ac.abort();
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: ac.signal,
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}

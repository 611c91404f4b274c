/**
 * @module lib/live
 * One EventSource on /api/events shared by every page: the latest value of each event is kept, pages
 * subscribe with useLive(name), and the shell shows the connection state. When the stream fails the
 * browser's own retry is replaced by ours with a capped backoff, so a restarted dashboard server is
 * picked up again without reloading the page.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { LIVE_EVENTS, type LiveEventName, type LiveEvents } from '../api/types';

export type ConnectionState = 'connecting' | 'open' | 'closed';

type Listener = () => void;

class LiveStream {
  state: ConnectionState = 'connecting';
  latest: Partial<LiveEvents> = {};
  private source: EventSource | undefined;
  private listeners = new Set<Listener>();
  private retryMs = 1000;
  private timer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    if (this.source || this.timer) return;
    this.connect();
  }

  private connect(): void {
    this.timer = undefined;
    this.setState('connecting');
    let es: EventSource;
    try {
      es = new EventSource(api.eventsUrl());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.source = es;
    es.onopen = () => {
      this.retryMs = 1000;
      this.setState('open');
    };
    es.onerror = () => {
      es.close();
      this.source = undefined;
      this.setState('closed');
      this.scheduleRetry();
    };
    for (const name of LIVE_EVENTS) {
      es.addEventListener(name, (ev) => {
        try {
          this.latest = { ...this.latest, [name]: JSON.parse((ev as MessageEvent<string>).data) };
        } catch {
          return;
        }
        this.emit();
      });
    }
  }

  private scheduleRetry(): void {
    this.timer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 15000);
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

export const live = new LiveStream();

/** The latest value pushed for one event (undefined until the first push). */
export function useLive<K extends LiveEventName>(name: K): LiveEvents[K] | undefined {
  const [value, setValue] = useState<LiveEvents[K] | undefined>(live.latest[name]);
  useEffect(() => {
    const read = () => setValue(live.latest[name]);
    const off = live.subscribe(read);
    read(); // an event may have come between render and this effect
    return off;
  }, [name]);
  return value;
}

export function useConnectionState(): ConnectionState {
  const [s, setS] = useState(live.state);
  useEffect(() => {
    const off = live.subscribe(() => setS(live.state));
    setS(live.state);
    return off;
  }, []);
  return s;
}

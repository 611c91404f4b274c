/**
 * @module server/live-events
 * The `/api/events` feed: while at least one client listens, apps, newest traces, the graph and
 * metrics are computed every ~2 s and each is pushed when it changed since the last push.
 */
import type { SseClient } from './sse';

export const LIVE_INTERVAL_MS = 2000;

/** One named event and how to compute its current data. */
export type LiveSource = Record<string, () => Promise<unknown> | unknown>;

export class LiveEvents {
  private readonly clients = new Set<SseClient>();
  private readonly last = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly sources: LiveSource,
    private readonly intervalMs = LIVE_INTERVAL_MS,
  ) {}

  /** Adds a client: it gets every event now, then changes. */
  async add(client: SseClient): Promise<void> {
    this.clients.add(client);
    client.onClose(() => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
    for (const [event, compute] of Object.entries(this.sources)) {
      const before = this.last.get(event);
      const text = await this.compute(event, compute);
      if (text === undefined) continue;
      // A change found now is news for the other clients too.
      for (const c of text === before ? [client] : this.clients) c.send(event, JSON.parse(text));
    }
  }

  private async compute(event: string, compute: () => Promise<unknown> | unknown): Promise<string | undefined> {
    try {
      const text = JSON.stringify(await compute());
      this.last.set(event, text);
      return text;
    } catch {
      return undefined; // a failing source skips this round
    }
  }

  /** Computes every source once and pushes those that changed. */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      for (const [event, compute] of Object.entries(this.sources)) {
        const before = this.last.get(event);
        const text = await this.compute(event, compute);
        if (text === undefined || text === before) continue;
        const data: unknown = JSON.parse(text);
        for (const c of this.clients) c.send(event, data);
      }
    })().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.last.clear();
  }

  async close(): Promise<void> {
    this.stop();
    await this.ticking;
  }
}

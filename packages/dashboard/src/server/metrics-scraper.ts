/**
 * @module server/metrics-scraper
 * Scrapes every running sidecar's Prometheus port every few seconds and keeps a ring buffer of
 * chart points per app (keyed by app id and sidecar pid: a restarted sidecar starts a new series).
 */
import type { RegisteredApp } from './apps';
import { targetUrl } from './sidecar-client';
import { parsePrometheus } from './prometheus';
import { pointBetween, totalsOf, type MetricPoint, type Totals } from './request-stats';

export const SCRAPE_INTERVAL_MS = 5000;
/** Points kept per app: an hour at the default interval. */
export const RING_SIZE = 720;
const SCRAPE_TIMEOUT_MS = 2000;

export interface AppMetrics {
  appId: string;
  points: MetricPoint[];
  error?: string;
}

interface Series {
  appId: string;
  last?: Totals;
  points: MetricPoint[];
  error?: string;
}

export class MetricsScraper {
  private readonly series = new Map<string, Series>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly apps: () => RegisteredApp[],
    private readonly intervalMs = SCRAPE_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.scrapeOnce();
    this.timer = setInterval(() => void this.scrapeOnce(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One scrape of every running app (concurrent scrapes are joined, not doubled). */
  scrapeOnce(): Promise<void> {
    this.running ??= this.scrapeAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async scrapeAll(): Promise<void> {
    let apps: RegisteredApp[];
    try {
      apps = this.apps();
    } catch {
      return;
    }
    const live = new Set<string>();
    await Promise.all(
      apps.map(async (a) => {
        const key = `${a.running.appId}/${a.running.daprdPid}`;
        live.add(key);
        let s = this.series.get(key);
        if (!s) this.series.set(key, (s = { appId: a.running.appId, points: [] }));
        await this.scrapeApp(a, s);
      }),
    );
    for (const key of [...this.series.keys()]) if (!live.has(key)) this.series.delete(key);
  }

  private async scrapeApp(a: RegisteredApp, s: Series): Promise<void> {
    const port = a.running.metricsPort;
    if (!port) {
      s.error = 'the sidecar has no metrics port';
      return;
    }
    try {
      const r = await fetch(await targetUrl(a.target, '/metrics', port), { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`answered ${r.status}`);
      const totals = totalsOf(parsePrometheus(text), Date.now());
      const point = s.last ? pointBetween(s.last, totals) : undefined;
      s.last = totals;
      s.error = undefined;
      if (point) {
        s.points.push(point);
        if (s.points.length > RING_SIZE) s.points.splice(0, s.points.length - RING_SIZE);
      }
    } catch (err) {
      s.error = `cannot scrape metrics port ${port}: ${(err as Error).message}`;
    }
  }

  /** Points of the last `windowSec` seconds per running app. */
  snapshot(windowSec: number, now = Date.now()): { apps: AppMetrics[] } {
    const from = now - windowSec * 1000;
    const apps = [...this.series.values()]
      .map((s) => ({ appId: s.appId, points: s.points.filter((p) => p.t >= from), ...(s.error ? { error: s.error } : {}) }))
      .sort((a, b) => a.appId.localeCompare(b.appId));
    return { apps };
  }
}

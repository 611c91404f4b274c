/**
 * Helpers for the dashboard server scenarios: a shared temp MINIDAPR_HOME where real sidecars
 * register, a tiny app per sidecar, the dashboard on a free port without a collector (an in-memory
 * span store), and cleanup of everything started.
 */
import { componentYaml, startApp, startSidecar, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';
import { createMemorySpanStore, startDashboard } from '../../../src';
import type { RunningDashboard } from '../../../src/server/dashboard';
import type { SpanStore } from '../../../src/server/span-store-types';

export const STATESTORE = componentYaml('statestore', 'state.in-memory');
export const PUBSUB = componentYaml('pubsub', 'pubsub.in-memory');

export interface World {
  home: string;
  sidecars: Sidecar[];
  apps: TestApp[];
  store: SpanStore;
  dash?: RunningDashboard;
  /** An app with its sidecar, registered under the shared home. */
  addApp(appId: string, resources?: Record<string, string>, args?: string[]): Promise<{ app: TestApp; sidecar: Sidecar }>;
  startDashboard(o?: { metricsIntervalMs?: number }): Promise<RunningDashboard>;
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export function world(): World {
  const home = tempDir('minidapr-dash-home-');
  const w: World = {
    home: home.path,
    sidecars: [],
    apps: [],
    store: createMemorySpanStore(),
    async addApp(appId, resources = { 'statestore.yaml': STATESTORE }, args = []) {
      const app = await startApp();
      w.apps.push(app);
      const sidecar = await startSidecar({ appId, appPort: app.port, home: home.path, resources, args });
      w.sidecars.push(sidecar);
      return { app, sidecar };
    },
    async startDashboard(o = {}) {
      w.dash = await startDashboard({ home: home.path, host: '127.0.0.1', port: 0, collector: false, spanStore: w.store, logPollMs: 50, ...o });
      return w.dash;
    },
    async get<T>(path: string) {
      const r = await fetch(`${w.dash?.url}${path}`);
      return { status: r.status, body: (await r.json()) as T };
    },
    async post<T>(path: string, body: unknown) {
      const r = await fetch(`${w.dash?.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as T };
    },
    async close() {
      await w.dash?.close();
      await Promise.all(w.sidecars.map((s) => s.stop()));
      await Promise.all(w.apps.map((a) => a.close()));
      w.store.close();
      home.remove();
    },
  };
  return w;
}

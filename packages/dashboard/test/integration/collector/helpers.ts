/**
 * @module test/integration/collector/helpers
 * A collector on free ports over a span store in a temporary MINIDAPR_HOME.
 */
import { freePort, tempDir, type TempDir } from '@minidapr/testkit';
import { defaultSpanStorePath, openSpanStore, startCollector, type RunningCollector, type SpanStore } from '../../../src/index';

export interface TestCollector {
  home: TempDir;
  store: SpanStore;
  collector: RunningCollector;
  zipkin: string;
  otlp: string;
  close(): Promise<void>;
}

export async function startTestCollector(): Promise<TestCollector> {
  const home = tempDir('minidapr-collector-');
  const store = openSpanStore({ path: defaultSpanStorePath(home.path) });
  const collector = await startCollector({ store, host: '127.0.0.1', zipkinPort: await freePort(), otlpPort: await freePort() });
  return {
    home, store, collector,
    zipkin: `http://127.0.0.1:${collector.zipkinPort}`,
    otlp: `http://127.0.0.1:${collector.otlpPort}`,
    async close() {
      await collector.close();
      store.close();
      home.remove();
    },
  };
}

/** GET a Zipkin API path and parse the JSON answer, failing on a non-200. */
export async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(base + path);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

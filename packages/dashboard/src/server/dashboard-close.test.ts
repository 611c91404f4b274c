import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListenError, startDashboard } from './dashboard';
import { createMemorySpanStore } from './memory-span-store';
import type { CollectorBackend } from './span-store-types';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'dash-close-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

it('close() ends open event streams, stops the collector and closes the store it opened', async () => {
  const store = createMemorySpanStore();
  const closed: string[] = [];
  store.close = () => void closed.push('store');
  const backend: CollectorBackend = {
    openSpanStore: () => store,
    defaultSpanStorePath: (h) => join(h, 'traces', 'spans.db'),
    startCollector: async (o) => {
      expect(o).toMatchObject({ store, zipkinPort: 0, otlpPort: null, host: '127.0.0.1' });
      return { zipkinPort: 12345, close: async () => void closed.push('collector') };
    },
  };
  const d = await startDashboard({ home, host: '127.0.0.1', port: 0, collector: { zipkinPort: 0, otlpPort: null }, collectorBackend: backend });
  expect(d.collector?.zipkinPort).toBe(12345);
  expect(await (await fetch(`${d.url}/api/overview`)).json()).toMatchObject({ collector: { enabled: true, zipkinPort: 12345, spans: 0 } });
  const r = await fetch(`${d.url}/api/events`);
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await d.close();
  for (;;) if ((await reader.read()).done) break; // the stream ended
  expect(closed).toEqual(['collector', 'store']);
});

it('rejects with a ListenError naming a busy port and leaves nothing listening', async () => {
  const busy = http.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as AddressInfo).port;
  try {
    const err = await startDashboard({ home, host: '127.0.0.1', port, collector: false, spanStore: createMemorySpanStore() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect(err).toMatchObject({ what: 'dashboard', port, code: 'EADDRINUSE' });

    const free = await startDashboard({ home, host: '127.0.0.1', port: 0, collector: { zipkinPort: port, otlpPort: null }, spanStore: createMemorySpanStore() }).catch((e: unknown) => e);
    expect(free).toMatchObject({ what: 'collector', port, code: 'EADDRINUSE' });
  } finally {
    await new Promise<void>((r) => busy.close(() => r()));
  }
});

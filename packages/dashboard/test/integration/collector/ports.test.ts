// Scenario: port 0 picks free ports, otlpPort null turns OTLP off, a taken port fails naming it,
// and close() stops both servers.
import { createServer } from 'node:net';
import { canBind, freePort, isListening, tempDir, type TempDir } from '@minidapr/testkit';
import { CollectorListenError, defaultSpanStorePath, openSpanStore, startCollector, type SpanStore } from '../../../src/index';

describe('collector ports', () => {
  let home: TempDir;
  let store: SpanStore;
  beforeEach(() => {
    home = tempDir('minidapr-collector-');
    store = openSpanStore({ path: defaultSpanStorePath(home.path) });
  });
  afterEach(() => {
    store.close();
    home.remove();
  });

  it('picks random ports for 0 and stops both servers on close', async () => {
    const c = await startCollector({ store, host: '127.0.0.1', zipkinPort: 0, otlpPort: 0 });
    expect(c.zipkinPort).toBeGreaterThan(0);
    expect(c.otlpPort).toBeGreaterThan(0);
    expect(await isListening(c.zipkinPort)).toBe(true);
    expect(await isListening(c.otlpPort!)).toBe(true);
    await c.close();
    await c.close();
    expect(await canBind(c.zipkinPort)).toBe(true);
    expect(await canBind(c.otlpPort!)).toBe(true);
  });

  it('runs without OTLP when otlpPort is null', async () => {
    const c = await startCollector({ store, host: '127.0.0.1', zipkinPort: 0, otlpPort: null });
    try {
      expect(c.otlpPort).toBeUndefined();
      expect((await fetch(`http://127.0.0.1:${c.zipkinPort}/health`)).status).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('fails with an error naming a taken port, and leaves nothing listening', async () => {
    const blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    const zipkinPort = await freePort();
    try {
      await expect(startCollector({ store, host: '127.0.0.1', zipkinPort: taken, otlpPort: null })).rejects.toThrow(
        new RegExp(`Zipkin collector on port ${taken}: the port is already in use`),
      );
      const err = await startCollector({ store, host: '127.0.0.1', zipkinPort, otlpPort: taken }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CollectorListenError);
      expect((err as CollectorListenError).port).toBe(taken);
      expect((err as Error).message).toContain(`OTLP/HTTP collector on port ${taken}`);
      expect(await canBind(zipkinPort)).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

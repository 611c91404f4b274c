import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BoundedBatchProcessor, type DropReason } from './batch';

function span(): ReadableSpan {
  return {} as ReadableSpan;
}

function exporter(answer: (spans: ReadableSpan[], done: (r: ExportResult) => void) => void): SpanExporter & { batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    export(spans, done) {
      batches.push(spans.length);
      answer(spans, done);
    },
    shutdown: async () => undefined,
  };
}

describe('BoundedBatchProcessor', () => {
  it('exports in batches and counts what was exported', async () => {
    const e = exporter((_, done) => done({ code: ExportResultCode.SUCCESS }));
    let exported = 0;
    const p = new BoundedBatchProcessor({ exporter: e, maxBatchSize: 3, delayMs: 60000, onExported: (n) => (exported += n) });
    for (let i = 0; i < 7; i++) p.onEnd(span());
    await p.forceFlush();
    expect(e.batches).toEqual([3, 3, 1]);
    expect(exported).toBe(7);
  });

  it('drops spans beyond the queue bound without waiting, and counts them', async () => {
    let release: (() => void) | undefined;
    const e = exporter((_, done) => (release = () => done({ code: ExportResultCode.SUCCESS })));
    const drops: Record<string, number> = {};
    const p = new BoundedBatchProcessor({ exporter: e, maxQueueSize: 4, maxBatchSize: 2, delayMs: 60000, onDrop: (r: DropReason, n) => (drops[r] = (drops[r] ?? 0) + n) });
    for (let i = 0; i < 10; i++) p.onEnd(span()); // first batch of 2 in flight (hung), queue holds 4, the rest drop
    expect(drops).toEqual({ queue_full: 4 });
    release?.();
    const flushed = p.forceFlush();
    for (let i = 0; i < 5 && release; i++) {
      await new Promise((r) => setImmediate(r));
      release();
    }
    await flushed;
    expect(e.batches).toEqual([2, 2, 2]);
  });

  it('counts a failed or timed-out export as dropped', async () => {
    const drops: Array<[DropReason, number]> = [];
    const failing = new BoundedBatchProcessor({ exporter: exporter((_, done) => done({ code: ExportResultCode.FAILED, error: new Error('ECONNREFUSED') })), delayMs: 60000, onDrop: (r, n) => drops.push([r, n]) });
    failing.onEnd(span());
    failing.onEnd(span());
    await failing.forceFlush();
    const hanging = new BoundedBatchProcessor({ exporter: exporter(() => undefined), delayMs: 60000, exportTimeoutMs: 20, onDrop: (r, n) => drops.push([r, n]) });
    hanging.onEnd(span());
    await hanging.forceFlush();
    expect(drops).toEqual([
      ['export_failed', 2],
      ['export_failed', 1],
    ]);
  });
});

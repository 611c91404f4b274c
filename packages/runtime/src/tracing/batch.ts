/**
 * @module tracing/batch
 * Export off the request path: ended spans go into a bounded queue (a push, nothing else, on the
 * request's path); a timer or a full batch starts one export at a time. A full queue drops the
 * span; an export that fails or does not answer in time drops its batch. Either way the drop is
 * counted (onDrop) and nothing waits: a collector that is down never slows or fails a request.
 * The queue holds what the request path recorded (T); `toReadable` turns it into OpenTelemetry
 * ReadableSpans only when its batch is exported.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export type DropReason = 'queue_full' | 'export_failed';

/** What a batch goes to: an OpenTelemetry SpanExporter (E = ReadableSpan) or minidapr's own. */
export interface BatchExporter<E> {
  export(items: E[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface BoundedBatchOptions<T = ReadableSpan, E = ReadableSpan> {
  exporter: BatchExporter<E>;
  /** Builds the exporter's items from the queued ones, at export time (default: they are the same). */
  toReadable?(item: T): E;
  /** Spans waiting for export; more are dropped (default 2048, as OpenTelemetry's batch processor). */
  maxQueueSize?: number;
  /** Spans per export request (default 128: small batches leave the heap young generation sooner). */
  maxBatchSize?: number;
  /** How long a span may wait before an export starts (default 200 ms: traces show up promptly). */
  delayMs?: number;
  /** An export not finished after this long counts as failed (default 10000 ms). */
  exportTimeoutMs?: number;
  onDrop?(reason: DropReason, count: number): void;
  onExported?(count: number): void;
  onExportError?(err: unknown): void;
}

export class BoundedBatchProcessor<T = ReadableSpan, E = ReadableSpan> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly o: BoundedBatchOptions<T, E>) {
    this.maxQueue = o.maxQueueSize ?? 2048;
    this.maxBatch = Math.min(o.maxBatchSize ?? 128, this.maxQueue);
    this.delayMs = o.delayMs ?? 200;
    this.timeoutMs = o.exportTimeoutMs ?? 10000;
  }

  onEnd(span: T): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueue) {
      this.o.onDrop?.('queue_full', 1);
      return;
    }
    this.enqueue(span);
  }

  /** Queues what `make` builds, or counts a drop without building it when the queue is full. */
  offer<A>(make: (arg: A) => T, arg: A): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueue) {
      this.o.onDrop?.('queue_full', 1);
      return;
    }
    this.enqueue(make(arg));
  }

  private enqueue(span: T): void {
    this.queue.push(span);
    if (this.queue.length >= this.maxBatch) this.kick();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.kick(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Starts an export unless one is running (that one starts the next when it ends). */
  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    this.inFlight = this.exportBatch(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length >= this.maxBatch) this.kick();
      else if (this.queue.length > 0 && !this.timer && !this.closed) {
        this.timer = setTimeout(() => this.kick(), this.delayMs);
        this.timer.unref();
      }
    });
  }

  private exportBatch(batch: T[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const done = (result: ExportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (result.code === ExportResultCode.SUCCESS) this.o.onExported?.(batch.length);
        else {
          this.o.onDrop?.('export_failed', batch.length);
          this.o.onExportError?.(result.error);
        }
        resolve();
      };
      const timer = setTimeout(() => done({ code: ExportResultCode.FAILED, error: new Error(`span export timed out after ${this.timeoutMs} ms`) }), this.timeoutMs);
      timer.unref();
      try {
        const toReadable = this.o.toReadable;
        this.o.exporter.export(toReadable ? batch.map((item) => toReadable(item)) : (batch as unknown as E[]), done);
      } catch (err) {
        done({ code: ExportResultCode.FAILED, error: err as Error });
      }
    });
  }

  /** Exports everything queued now (in batches), waiting at most for the export timeout per batch. */
  async forceFlush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      if (this.inFlight) await this.inFlight;
      else this.kick();
    }
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.o.exporter.shutdown();
  }
}

/**
 * @module lifecycle/tracing
 * Builds the tracer from the Configuration's `spec.tracing` (after the configuration part, before
 * the servers) and hands it to the API, direct messaging, deliveries and input bindings through
 * `deps.tracing`. Sampling 0 builds nothing. Stopping waits for in-flight work, then exports what is
 * queued, bounded so a dead collector cannot hold the shutdown up.
 */
import { defaultTracingConfig } from '../tracing/config';
import { createTracingMetrics, SPANS_DROPPED_METRIC } from '../tracing/metrics';
import { createTracing } from '../tracing/tracer';
import type { LifecyclePart } from './context';

/** The most a shutdown waits for the last spans to be exported. */
const FLUSH_LIMIT_MS = 3000;

export const tracingPart: LifecyclePart = {
  name: 'tracing',
  start(ctx) {
    const config = ctx.config?.tracing ?? defaultTracingConfig();
    let warned = false;
    const tracing = createTracing({
      appId: ctx.options.appId,
      config,
      metrics: createTracingMetrics(ctx.metrics?.registry),
      onExportError(err) {
        // One line per run: a collector that is down (no dashboard running) would otherwise flood the log.
        if (warned) return;
        warned = true;
        ctx.logger.info(
          `trace spans could not be exported (${(err as Error | undefined)?.message ?? String(err)}); is the collector running? (\`minidapr dashboard\` starts one). Further failures are only counted in ${SPANS_DROPPED_METRIC}`,
        );
      },
    });
    ctx.deps.tracing = tracing;
    if (tracing) {
      const to = [config.zipkin && `zipkin ${config.zipkin.url}`, config.otel && `otlp ${config.otel.url}`, config.stdout && 'stdout'].filter(Boolean);
      ctx.logger.info(`tracing: sampling rate ${config.samplingRate}, exporting to ${to.length > 0 ? to.join(', ') : 'nothing'}`);
    }
  },
  async stop(ctx) {
    const tracing = ctx.deps.tracing;
    if (!tracing) return;
    await ctx.drained();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([tracing.shutdown().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_LIMIT_MS)))]);
    clearTimeout(timer);
    ctx.deps.tracing = undefined;
  },
};

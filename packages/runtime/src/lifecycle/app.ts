/**
 * @module lifecycle/app
 * The parts that need the app, started after start() has returned, in this order: wait for the
 * app port; the app health prober (with --enable-app-health-check); pub/sub subscriptions; input
 * bindings; ready. With health checks, subscriptions and input bindings start once the app is
 * first healthy, pause while it is unhealthy and resume when it recovers (daprd appHealthChanged).
 * Only HTTP apps get subscriptions and input bindings (gRPC app callbacks are not implemented).
 */
import { AppHealth, httpProbe } from '../invoke/app-health';
import { startSubscriptions } from '../pubsub/delivery';
import type { LifecyclePart, RuntimeContext } from './context';

/** Waits for the app port; without one the sidecar serves no app and the rest is skipped. */
export const appPortPart: LifecyclePart = {
  name: 'app port',
  background: true,
  async start(ctx) {
    const { appChannel, options, logger } = ctx;
    if (!appChannel) return;
    logger.info(`waiting for the app to listen on ${options.appChannelAddress}:${options.appPort}`);
    if (await appChannel.waitForPort(ctx.signal)) logger.info(`app is listening on port ${options.appPort}`);
  },
  stop() {},
};

export const appHealthPart: LifecyclePart = {
  name: 'app health prober',
  start(ctx) {
    const { options, appChannel } = ctx;
    if (!options.enableAppHealthCheck || !appChannel) return;
    if (options.appProtocol !== 'http' && options.appProtocol !== 'https') {
      // daprd probes gRPC apps with the gRPC health service, which minidaprd does not implement.
      ctx.logger.warn(`--enable-app-health-check: only HTTP apps are probed; the ${options.appProtocol} app is treated as always healthy`);
      return;
    }
    const health = new AppHealth({
      probe: httpProbe(appChannel, options.appHealthCheckPath),
      intervalMs: options.appHealthProbeIntervalS * 1000,
      timeoutMs: options.appHealthProbeTimeoutMs,
      threshold: options.appHealthThreshold,
      logger: ctx.logger,
    });
    health.onChange(async (healthy) => {
      if (healthy) {
        await ctx.deliveries?.resume();
        await ctx.inputBindings?.resume();
      } else {
        await ctx.deliveries?.pause();
        await ctx.inputBindings?.pause();
      }
    });
    ctx.appHealth = health;
    health.start();
  },
  async stop(ctx) {
    await ctx.appHealth?.stop();
  },
};

/** True once the app may take work: always without health checks, else when first healthy. */
async function appTakesWork(ctx: RuntimeContext): Promise<boolean> {
  if (!ctx.appHealth) return !ctx.signal.aborted;
  return (await ctx.appHealth.waitHealthy(ctx.signal)) && !ctx.signal.aborted;
}

export const subscriptionsPart: LifecyclePart = {
  name: 'subscriptions',
  async start(ctx) {
    const { deliveries, appChannel } = ctx;
    if (!deliveries || !appChannel || !(await appTakesWork(ctx))) return;
    // Discover (GET /dapr/subscribe) and subscribe before reporting ready.
    await startSubscriptions({ deliveries, channel: appChannel, logger: ctx.logger, store: ctx.store, declarative: ctx.declarativeSubs, metadata: ctx.metadata, signal: ctx.signal });
  },
  stop(ctx) {
    // Stop taking messages now; in-flight deliveries finish while the servers drain.
    if (ctx.deliveries) ctx.drain(ctx.deliveries.stop(ctx.graceMs));
  },
};

export const inputBindingsPart: LifecyclePart = {
  name: 'input bindings',
  async start(ctx) {
    if (!ctx.inputBindings || !(await appTakesWork(ctx))) return;
    // Probe each route (OPTIONS) and start reading.
    await ctx.inputBindings.start(ctx.store, ctx.signal);
  },
  stop(ctx) {
    // Stop reading now; in-flight posts to the app finish while the servers drain.
    if (ctx.inputBindings) ctx.drain(ctx.inputBindings.stop(ctx.graceMs));
  },
};

export const readyPart: LifecyclePart = {
  name: 'ready',
  start(ctx) {
    if (ctx.signal.aborted) return;
    ctx.health.ready = true;
    ctx.logger.info(`dapr initialized. Status: Running. Init Elapsed ${Date.now() - ctx.startedAt}ms`);
  },
  stop() {},
};

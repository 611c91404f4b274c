/**
 * @module lifecycle/app
 * The parts that need the app, started after start() has returned, in this order: wait for the
 * app port; the app health prober (with --enable-app-health-check); pub/sub subscriptions; input
 * bindings; ready. With health checks, subscriptions and input bindings start once the app is
 * first healthy, pause while it is unhealthy and resume when it recovers (daprd appHealthChanged);
 * as in daprd, readiness does not wait for the app's health (only for its port).
 * HTTP apps and gRPC apps (AppCallback) alike, through ctx.appCallbacks.
 */
import { AppHealth } from '../invoke/app-health';
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
    const { options, appCallbacks } = ctx;
    if (!options.enableAppHealthCheck || !appCallbacks) return;
    const health = new AppHealth({
      // GET <--app-health-check-path> for HTTP apps, AppCallbackHealthCheck.HealthCheck for gRPC apps.
      probe: appCallbacks.probe,
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

/**
 * Runs `work` now (awaited: ready comes after it) without health checks; with them, once the app is
 * first healthy, without holding up the parts after this one.
 */
function whenAppTakesWork(ctx: RuntimeContext, what: string, work: () => Promise<void>): Promise<void> {
  const health = ctx.appHealth;
  if (!health) return ctx.signal.aborted ? Promise.resolve() : work();
  void health
    .waitHealthy(ctx.signal)
    .then((ok) => (ok && !ctx.signal.aborted ? work() : undefined))
    .catch((err: unknown) => ctx.logger.error({ err }, `starting ${what} failed`));
  return Promise.resolve();
}

export const subscriptionsPart: LifecyclePart = {
  name: 'subscriptions',
  async start(ctx) {
    const { deliveries, appCallbacks } = ctx;
    if (!deliveries || !appCallbacks) return;
    // Discover (GET /dapr/subscribe or ListTopicSubscriptions) and subscribe.
    await whenAppTakesWork(ctx, 'subscriptions', () =>
      startSubscriptions({ deliveries, app: appCallbacks, logger: ctx.logger, store: ctx.store, declarative: ctx.declarativeSubs, metadata: ctx.metadata, signal: ctx.signal }),
    );
  },
  stop(ctx) {
    // Stop taking messages now; in-flight deliveries finish while the servers drain.
    if (ctx.deliveries) ctx.drain(ctx.deliveries.stop(ctx.graceMs));
  },
};

export const inputBindingsPart: LifecyclePart = {
  name: 'input bindings',
  async start(ctx) {
    const bindings = ctx.inputBindings;
    if (!bindings) return;
    // Probe each route (OPTIONS; gRPC apps: ListInputBindings) and start reading.
    await whenAppTakesWork(ctx, 'input bindings', () => bindings.start(ctx.store, ctx.signal));
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

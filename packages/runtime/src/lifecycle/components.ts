/**
 * @module lifecycle/components
 * Loads the resources (--resources-path): components are initialised into the store, declarative
 * subscriptions kept for the subscriptions part, Resiliency resources compiled into ctx.resiliency
 * (a bad one fails start-up). Components close last, after every drain.
 */
import { initComponents } from '../components/init';
import { loadResources } from '../components/loader';
import { noComponentsWarning } from '../components/none-loaded';
import { parseDeclarative } from '../pubsub/declarative';
import { Resiliency } from '../resiliency/resiliency';
import type { LifecyclePart } from './context';

export const componentsPart: LifecyclePart = {
  name: 'components',
  async start(ctx) {
    const { options, logger } = ctx;
    const resources = loadResources(options.resourcesPaths, { appId: options.appId, namespace: options.namespace });
    for (const s of resources.skipped) logger.debug(`skipping ${s.name} in ${s.file}: ${s.why}`);
    for (const w of resources.warnings) logger.warn(w);
    if (resources.components.length === 0) logger.warn(noComponentsWarning({ ...options, skipped: resources.skipped.length }));
    ctx.resiliency = Resiliency.fromResources(resources.others, { appId: options.appId, namespace: options.namespace, logger, metrics: ctx.resiliencyMetrics });
    ctx.declarativeSubs = parseDeclarative(resources.others);
    await initComponents(resources.components, {
      registry: ctx.registry,
      store: ctx.store,
      ctx: { appId: options.appId, namespace: options.namespace, cwd: options.cwd },
      logger,
      env: ctx.env,
      childLogger: (name) => logger.child({ component: name }),
    });
  },
  async stop(ctx) {
    await ctx.drained();
    await ctx.store.closeAll();
  },
};

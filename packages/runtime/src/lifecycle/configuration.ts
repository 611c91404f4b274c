/**
 * @module lifecycle/configuration
 * First part: loads the Configuration resources (--config) that later parts depend on (mTLS,
 * access control, name resolution) and applies what the public API reads from it.
 */
import { loadConfiguration } from '../config/configuration';
import type { LifecyclePart } from './context';

export const configurationPart: LifecyclePart = {
  name: 'configuration',
  start(ctx) {
    const { options, logger, deps } = ctx;
    const config = loadConfiguration(options.configPaths, ctx.env);
    for (const w of config.warnings) logger.warn(w);
    ctx.config = config;
    if (options.enableApiLogging === undefined && config.apiLogging !== undefined) deps.apiLogging = config.apiLogging;
    ctx.metadata.enabledFeatures = config.features;
    deps.secretScopes = config.secretScopes;
  },
  stop() {},
};

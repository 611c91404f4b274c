/**
 * @module lifecycle/mtls
 * mTLS between sidecars (security/*), from the options and the Configuration's `spec.mtls`.
 */
import { setupMtls } from '../security/setup';
import type { LifecyclePart } from './context';

export const mtlsPart: LifecyclePart = {
  name: 'mtls',
  async start(ctx) {
    ctx.mtls = await setupMtls(ctx.options, ctx.config?.mtls, ctx.logger);
  },
  stop(ctx) {
    ctx.mtls?.close();
  },
};

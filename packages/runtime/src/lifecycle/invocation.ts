/**
 * @module lifecycle/invocation
 * Service invocation's outbound side: the access-control policy and name resolution from the
 * Configuration, direct messaging rebuilt on them (and on mTLS), the app channel. Stopping closes
 * the peer agent and the app channel once in-flight work has drained.
 */
import { compileAccessControl, SPOOFABLE_IDENTITY_WARNING } from '../acl/policy';
import { createDirectMessaging, type DirectMessaging } from '../invoke/direct-messaging';
import { createNameResolver, type NameResolver } from '../nameresolution';
import { certificateIdentity } from '../security/cert-identity';
import type { Mtls } from '../security/mtls';
import { claimedIdentity } from '../security/peer-identity';
import { invokeSpanOf } from '../tracing/api-span';
import { recordRetry } from '../tracing/attributes';
import type { LifecyclePart, RuntimeContext } from './context';


/** Direct messaging as the context stands (resolver, access control, mTLS, app health). */
export function makeDirectMessaging(ctx: RuntimeContext, resolver: NameResolver): DirectMessaging {
  const { options, mtls } = ctx;
  return createDirectMessaging({
    appId: options.appId,
    namespace: options.namespace,
    resolver,
    appChannel: ctx.appChannel,
    maxBodySize: options.maxBodySize,
    accessControl: ctx.accessControl,
    appHealthy: () => ctx.appHealth?.healthy ?? true,
    // The peer gate ran first: with mTLS every request here carries a verified SPIFFE ID.
    peerIdentity: mtls ? (req) => certificateIdentity(req) ?? claimedIdentity({}) : undefined,
    peerTransport: mtls ? (appId, namespace) => ({ protocol: 'https:', ...peerTls(mtls, appId, namespace) }) : undefined,
    peerToken: mtls ? undefined : options.apiToken,
    // Read when a call comes in: the app side may be wired after direct messaging is built.
    get appCallbacks() {
      return ctx.appCallbacks;
    },
    resiliency: () => ctx.resiliency,
    onRetry: (req, attempt, reason) => recordRetry(invokeSpanOf(req), attempt, reason),
  });
}

function peerTls(m: Mtls, appId: string, namespace: string) {
  const p = m.peer(appId, namespace);
  return { agent: p.agent, tls: { rejectUnauthorized: true, checkServerIdentity: p.checkServerIdentity } };
}

export const invocationPart: LifecyclePart = {
  name: 'invocation',
  async start(ctx) {
    const { options, config, mtls } = ctx;
    ctx.accessControl = compileAccessControl(config?.accessControl, !options.appProtocol.startsWith('grpc'));
    if (ctx.accessControl && !mtls) ctx.logger.warn(SPOOFABLE_IDENTITY_WARNING);
    if (config?.nameResolution) ctx.resolver = createNameResolver(config.nameResolution, options.home, config.source);
    if (config?.nameResolution || ctx.accessControl || mtls) {
      ctx.directMessaging.close();
      ctx.directMessaging = makeDirectMessaging(ctx, ctx.resolver);
      // Peers reach this sidecar by the name its own template gives it (compose/k8s service name).
      if (ctx.resolver.name === 'dns-template') ctx.guard.allowName((await ctx.resolver.resolve(options.appId, options.namespace))?.host ?? '');
    }
  },
  async stop(ctx) {
    await ctx.drained();
    ctx.directMessaging.close();
    ctx.appChannel?.close();
    ctx.appCallbacks?.close();
  },
};

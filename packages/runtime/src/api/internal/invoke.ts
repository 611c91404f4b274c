/**
 * @module api/internal/invoke
 * The sidecar-to-sidecar port's endpoint table (daprd's internal ServiceInvocation.CallLocal):
 * a peer sidecar forwards an invocation for this sidecar's app, every verb, any path. The request
 * line is the method exactly as the caller's sidecar normalised and escaped it; direct messaging
 * re-checks it (access control) before it goes to the app.
 */
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { ALL_METHODS } from '../http/invoke';

export async function handleCallLocal(ctx: RequestContext): Promise<void> {
  await ctx.deps.directMessaging.deliverFromPeer(ctx.req, ctx.res);
}

export function internalEndpoints(): Endpoint[] {
  return [
    { name: 'CallLocal', group: 'invoke', methods: ALL_METHODS, route: '/', handler: handleCallLocal },
    { name: 'CallLocal', group: 'invoke', methods: ALL_METHODS, route: '/*method', handler: handleCallLocal },
  ];
}

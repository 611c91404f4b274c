/**
 * @module api/http/invoke
 * Service invocation on the public API: `/v1.0/invoke/{id}/method/{method...}` with every verb, and
 * any other path carrying `dapr-app-id` (or basic auth `dapr-app-id:<id>`) through the fallback.
 */
import { invokeErrors } from '../../errors/invoke';
import { commonErrors } from '../../errors/common';
import { InvalidMethodError, normaliseMethod } from '../../acl/normalize';
import { appIdFromBasicAuth, decodePath, parseInvokePath, splitAppId } from '../../invoke/method';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { unescapeParam } from '../../server/router';

export const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;

export async function handleInvoke(ctx: RequestContext): Promise<void> {
  const { req } = ctx;
  const header = req.headers['dapr-app-id'];
  const headerId = typeof header === 'string' && header.trim() ? header.trim() : undefined;
  const basicId = headerId ? undefined : appIdFromBasicAuth(req.headers.authorization);
  let id: string;
  let rawMethod: string;
  if (headerId || basicId) {
    id = (headerId ?? basicId) as string;
    rawMethod = ctx.rawPath.replace(/^\/+/, '');
  } else {
    const target = invokeTarget(ctx);
    if (!target) throw invokeErrors.noAppId();
    id = target.id;
    rawMethod = target.rawMethod;
  }
  if (/^https?:\/\//i.test(id)) {
    throw invokeErrors.failed(id, 'invoking external URLs is disabled in minidaprd');
  }
  const split = splitAppId(id);
  if (!split || !split.appId) throw invokeErrors.failed(id, 'invalid app id: use <appId> or <appId>.<namespace>');
  const decoded = decodePath(rawMethod);
  if (decoded === undefined) throw commonErrors.malformedRequest(`invalid escape sequence in method "${rawMethod}"`);
  let method: string;
  try {
    method = normaliseMethod(decoded);
  } catch (err) {
    if (err instanceof InvalidMethodError) throw invokeErrors.failed(split.appId, err.message, err);
    throw err;
  }
  await ctx.deps.directMessaging.invoke(req, ctx.res, { ...split, method }, ctx.rawQuery, basicId !== undefined);
}

/**
 * The target id (unescaped) and the method as sent (still escaped) of a path-form invocation. The
 * method is taken from the path as sent, then decoded and cleaned like daprd does
 * (findTargetIDAndMethod + NormalizeMethod): `public%23/../admin` is the method `admin`, which the
 * callee's access check judges; `admin%23x` is refused. When cleaning left the path as sent (bar
 * repeated slashes) the router's parameters are exactly that; otherwise (dot segments, a trailing
 * slash, or no route matched) the path as sent is split at its first `/method/`.
 */
function invokeTarget(ctx: RequestContext): { id: string; rawMethod: string } | undefined {
  const raw = ctx.rawPath.includes('//') ? ctx.rawPath.replace(/\/{2,}/g, '/') : ctx.rawPath;
  const { params, rawParams } = ctx;
  if (rawParams?.method !== undefined && params.id !== undefined && raw === ctx.path) return { id: params.id, rawMethod: rawParams.method };
  const parsed = parseInvokePath(raw) ?? parseInvokePath(ctx.path);
  return parsed && { id: unescapeParam(parsed.id), rawMethod: parsed.rawMethod };
}

export function invokeEndpoints(): Endpoint[] {
  return [
    {
      name: 'InvokeService',
      group: 'invoke',
      methods: ALL_METHODS,
      route: '/v1.0/invoke/:id/method/*method',
      handler: handleInvoke,
    },
  ];
}

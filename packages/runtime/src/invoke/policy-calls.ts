/**
 * @module invoke/policy-calls
 * The calls of ./direct-messaging that run under a resiliency policy and are not a plain HTTP
 * forward (./policy-forward): a gRPC caller's InvokeService, and an HTTP caller's call to the
 * sidecar's own app (daprd applies the app's user policy there too, never the built-in retries).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { methodToPath } from '../acl/normalize';
import type { AppCallbacks, AppInvoke, AppInvokeResult } from '../app-channel/types';
import { isDaprError } from '../errors/dapr-error';
import { invokeErrors } from '../errors/invoke';
import { isResiliencyError } from '../resiliency/errors';
import type { PolicyRunner } from '../resiliency/runner';
import type { AppChannel } from './app-channel';
import { readBody } from './exchange';
import { callerGone } from './forward';
import { forwardWithPolicy } from './policy-forward';
import { writeAppResult } from './translate';

/** Transport failures of a gRPC caller's exchange that may be sent again (nothing answered yet). */
export const resendable = new WeakSet<object>();
const NO_STATUS = Object.freeze({});
const UNAVAILABLE = Object.freeze({ grpcCode: 14 });
const PERMANENT = Object.freeze({ permanent: true });

/** An answer daprd's InvokeService turns into an error status. */
function answerFailed(r: AppInvokeResult): boolean {
  return r.grpc ? r.grpc.code !== 0 : r.status < 200 || r.status >= 300;
}

function isBodyError(err: unknown): boolean {
  return isDaprError(err) && (err.code === 'ERR_BODY_TOO_LARGE' || err.code === 'ERR_BODY_READ');
}

/**
 * A gRPC caller's call under a policy (daprd InvokeService): with a user policy every answer that
 * is not OK (a gRPC status, an HTTP status outside 2xx) is a failure retried whatever the policy's
 * `matching` says, as daprd's status errors carry no code for it; the built-in retries only resend
 * transport failures. The last answer is returned; a policy's own failure rejects as it is.
 */
export function runCall(
  runner: PolicyRunner,
  userPolicy: boolean,
  o: { signal?: AbortSignal; onRetry?(attempt: number, reason: unknown): void },
  op: (signal: AbortSignal) => Promise<AppInvokeResult>,
): Promise<AppInvokeResult> {
  return runner.run(op, {
    signal: o.signal,
    resultStatus: userPolicy ? (r) => (answerFailed(r) ? NO_STATUS : undefined) : undefined,
    errorStatus: (err) => {
      if (resendable.has(err as object)) return userPolicy ? undefined : UNAVAILABLE;
      return userPolicy && !isBodyError(err) ? undefined : PERMANENT;
    },
    onRetry: o.onRetry,
  });
}

/** What a call to the own app needs from direct messaging. */
export interface OwnApp {
  appId: string;
  maxBodySize: number;
  grpcApp(): AppCallbacks | undefined;
  checkHealthy(appId: string): void;
  httpChannel(appId: string): AppChannel;
  invokeGrpcApp(callbacks: AppCallbacks, appId: string, inv: AppInvoke): Promise<AppInvokeResult>;
  onRetry?(req: IncomingMessage, attempt: number, reason: unknown): void;
  describe(err: Error): string;
}

/**
 * An HTTP caller's call to its own app under a user policy: each attempt takes an app slot; a
 * gRPC app's answer is never a failure (daprd relays its status as the HTTP answer).
 */
export async function toAppWithPolicy(
  own: OwnApp,
  runner: PolicyRunner,
  req: IncomingMessage,
  res: ServerResponse,
  target: { method: string; query: string },
  headers: OutgoingHttpHeaders,
  policyId: string,
  trace: string,
): Promise<void> {
  const onRetry = own.onRetry && ((attempt: number, reason: unknown) => own.onRetry?.(req, attempt, reason));
  const callbacks = own.grpcApp();
  if (callbacks) {
    const body = await readBody(req, own.maxBodySize);
    const inv = { method: target.method, verb: req.method ?? 'POST', query: target.query.replace(/^\?/, ''), contentType: req.headers['content-type'], body, headers: headers as IncomingMessage['headers'] };
    let result: AppInvokeResult;
    try {
      result = await runner.run(
        (signal) => {
          own.checkHealthy(own.appId);
          return own.invokeGrpcApp(callbacks, own.appId, { ...inv, signal });
        },
        { onRetry },
      );
    } catch (err) {
      throw isResiliencyError(err) ? invokeErrors.failed(policyId, err.message, err) : err;
    }
    if (!callerGone(res)) writeAppResult(res, result, trace, false);
    return;
  }
  await forwardWithPolicy({
    appId: policyId,
    req,
    res,
    runner,
    answersCount: true,
    method: req.method ?? 'GET',
    path: methodToPath(target.method) + target.query,
    maxBodySize: own.maxBodySize,
    responseHeaders: { traceparent: trace },
    open: async (_attempt, signal) => {
      const channel = own.httpChannel(own.appId);
      const release = channel.tryAcquire() ?? (await channel.acquire(signal));
      return { target: channel.target, headers: channel.decorate({ ...headers }), release };
    },
    toError: (err) => invokeErrors.failed(own.appId, `error calling the app: ${own.describe(err)}`, err),
    onRetry,
  });
}

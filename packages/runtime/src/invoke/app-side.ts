/**
 * @module invoke/app-side
 * Service invocation's calls into this sidecar's own app: a peer's request (or an HTTP caller's to
 * its own app) forwarded to the app over the HTTP app channel or, when the app speaks gRPC, asked
 * through AppCallbacks; and a gRPC caller's call to its own app as one buffered exchange. A call
 * while the app is unhealthy, or without an app channel, fails with the DaprError to answer.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { methodToPath } from '../acl/normalize';
import type { AppCallbacks, AppInvoke, AppInvokeResult } from '../app-channel/types';
import { invokeErrors } from '../errors/invoke';
import { isDaprError, type DaprError } from '../errors/dapr-error';
import { ChannelWaitAborted, type AppChannel } from './app-channel';
import { APP_UNHEALTHY_DETAIL } from './app-health';
import { exchange, readBody } from './exchange';
import { callerGone, forward } from './forward';
import type { OwnApp } from './policy-calls';
import { resultOf, writeAppResult } from './translate';

/** What the app side needs from direct messaging's dependencies. */
export interface AppSideDeps {
  appId: string;
  appChannel?: AppChannel;
  maxBodySize: number;
  appHealthy?(): boolean;
  appCallbacks?: AppCallbacks;
  onRetry?(req: IncomingMessage, attempt: number, reason: unknown): void;
}

export interface AppSide {
  /** A request (a peer's when `forPeer`, else an HTTP caller's to its own app) to the app; its answer written to `res`. */
  toApp(req: IncomingMessage, res: ServerResponse, target: { method: string; query: string }, headers: OutgoingHttpHeaders, appId: string, trace: string, forPeer: boolean): Promise<void>;
  /** A gRPC caller's call to this sidecar's own app: the app's whole answer. */
  callOwnApp(inv: AppInvoke): Promise<AppInvokeResult>;
  /** What calls to the own app under a resiliency policy need (./policy-calls). */
  readonly own: OwnApp;
}

/** A reused keep-alive socket to the app may have just been closed by the app: retry once. */
const APP_RETRY_DELAYS_MS = [0] as const;

export function createAppSide(d: AppSideDeps): AppSide {
  const grpcApp = (): AppCallbacks | undefined => (d.appCallbacks?.protocol === 'grpc' ? d.appCallbacks : undefined);

  /** daprd refuses every call while the app is unhealthy (messages.ErrAppUnhealthy). */
  const checkHealthy = (appId: string): void => {
    if (d.appHealthy && !d.appHealthy()) throw invokeErrors.failed(appId, APP_UNHEALTHY_DETAIL);
  };

  /** The HTTP app channel of a healthy app, or the error to answer. */
  const httpChannel = (appId: string): AppChannel => {
    const channel = d.appChannel;
    if (!channel) throw invokeErrors.failed(appId, 'app channel is not initialized: the sidecar was started without --app-port');
    checkHealthy(appId);
    return channel;
  };

  const toApp = async (req: IncomingMessage, res: ServerResponse, target: { method: string; query: string }, headers: OutgoingHttpHeaders, appId: string, trace: string, forPeer: boolean) => {
    const callbacks = grpcApp();
    if (callbacks) {
      checkHealthy(appId);
      await toGrpcApp(callbacks, req, res, target, headers, appId, trace, forPeer);
      return;
    }
    const channel = httpChannel(appId);
    const release = channel.tryAcquire() ?? (await waitForSlot(channel, res));
    if (!release) {
      req.resume(); // the caller hung up while queued: nothing to send, no slot taken
      return;
    }
    try {
      await forward({
        req,
        res,
        target: channel.target,
        method: req.method ?? 'GET',
        path: methodToPath(target.method) + target.query,
        headers: channel.decorate(headers),
        maxBodySize: d.maxBodySize,
        responseHeaders: { traceparent: trace },
        retry: { delaysMs: APP_RETRY_DELAYS_MS },
        toError: (err) => invokeErrors.failed(appId, `error calling the app: ${describe(err)}`, err),
      });
    } finally {
      release();
    }
  };

  /** An HTTP request (a peer's, or an HTTP caller's to its own app) for a gRPC app: one OnInvoke. */
  const toGrpcApp = async (
    callbacks: AppCallbacks,
    req: IncomingMessage,
    res: ServerResponse,
    target: { method: string; query: string },
    headers: OutgoingHttpHeaders,
    appId: string,
    trace: string,
    forPeer: boolean,
  ) => {
    const body = await readBody(req, d.maxBodySize);
    if (callerGone(res)) return;
    const gone = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) gone.abort();
    };
    res.once('close', onClose);
    try {
      const contentType = req.headers['content-type'];
      const result = await invokeGrpcApp(callbacks, appId, {
        method: target.method,
        verb: req.method ?? 'POST',
        query: target.query.replace(/^\?/, ''),
        contentType,
        body,
        headers: headers as IncomingMessage['headers'],
        signal: gone.signal,
      });
      if (!callerGone(res)) writeAppResult(res, result, trace, forPeer);
    } finally {
      res.off('close', onClose);
    }
  };

  const invokeGrpcApp = async (callbacks: AppCallbacks, appId: string, inv: AppInvoke): Promise<AppInvokeResult> => {
    const release = await callbacks.acquire(inv.signal);
    try {
      return await callbacks.invoke(inv);
    } catch (err) {
      if (isDaprError(err)) throw err;
      throw invokeErrors.failed(appId, `error calling the app: ${describe(err as Error)}`, err);
    } finally {
      release();
    }
  };

  /** A gRPC caller's call to this sidecar's own app. */
  const callOwnApp = async (inv: AppInvoke): Promise<AppInvokeResult> => {
    const callbacks = grpcApp();
    if (callbacks) {
      checkHealthy(d.appId);
      return invokeGrpcApp(callbacks, d.appId, inv);
    }
    const channel = httpChannel(d.appId);
    const release = channel.tryAcquire() ?? (await channel.acquire(inv.signal));
    try {
      const answer = await exchange({
        target: channel.target,
        method: inv.verb,
        path: methodToPath(inv.method) + (inv.query ? `?${inv.query}` : ''),
        headers: channel.decorate({ ...inv.headers }),
        body: inv.body,
        maxBodySize: d.maxBodySize,
        signal: inv.signal,
        retry: { delaysMs: APP_RETRY_DELAYS_MS },
        toError: (err) => invokeErrors.failed(d.appId, `error calling the app: ${describe(err)}`, err),
      });
      // The app's own answer: any dapr-grpc-* header it sent means nothing.
      return resultOf(answer, false);
    } finally {
      release();
    }
  };

  const own: OwnApp = { appId: d.appId, maxBodySize: d.maxBodySize, grpcApp, checkHealthy, httpChannel, invokeGrpcApp, onRetry: d.onRetry, describe };
  return { toApp, callOwnApp, own };
}

/** A decoded `%` cannot go into the app's URL unambiguously (daprd fails building that URL too). */
export function undeliverable(appId: string, method: string): DaprError {
  return invokeErrors.failed(appId, `invalid method name ${JSON.stringify(method)}: a literal "%" cannot be sent to the app`);
}

/** Waits for an app slot; gives up (undefined) as soon as the caller's connection closes. */
async function waitForSlot(channel: AppChannel, res: ServerResponse): Promise<(() => void) | undefined> {
  if (callerGone(res)) return undefined;
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.once('close', onClose);
  try {
    return await channel.acquire(gone.signal);
  } catch (err) {
    if (err instanceof ChannelWaitAborted) return undefined;
    throw err;
  } finally {
    res.off('close', onClose);
  }
}

/** An error for a message: its errno code first (`ECONNREFUSED connect 127.0.0.1:3000`), when it has one. */
export function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code} ${err.message.replace(code, '').trim()}`.trim() : err.message;
}

/**
 * @module app-channel/types
 * The app side of the sidecar, independent of the app's protocol: what the runtime asks of the
 * app (subscriptions, events, bindings, invocations, health). HTTP apps and gRPC apps
 * (AppCallback) implement it; types only.
 */
import type * as http from 'node:http';
import type { ProbeFn } from '../invoke/app-health';
import type { Verdict } from '../pubsub/settle';
import type { Subscription } from '../pubsub/subscriptions';

/** One pub/sub delivery, already routed by the Settler. */
export interface AppEvent {
  sub: Subscription;
  path: string;
  event: Record<string, unknown>;
  body: Buffer;
  /** deliveryHeaders() output, traceparent included. */
  headers: http.OutgoingHttpHeaders;
}

export interface AppBulkEntry {
  entryId: string;
  event: Record<string, unknown>;
  eventJson: Buffer;
  contentType: string;
  metadata?: Record<string, string>;
}

/** An invocation reaching this sidecar's app. */
export interface AppInvoke {
  method: string;
  verb: string;
  query: string;
  contentType?: string;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
  signal?: AbortSignal;
}

export interface AppInvokeResult {
  /** HTTP status (gRPC apps: httpStatusFromGrpc(code)). */
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Set when the app is gRPC: its status, relayed as is. */
  grpc?: { code: number; message: string; details?: Buffer };
}

export interface AppCallbacks {
  readonly protocol: 'http' | 'grpc';
  /** --app-max-concurrency, same semantics as AppChannel. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** /dapr/subscribe | ListTopicSubscriptions */
  listSubscriptions(signal?: AbortSignal): Promise<Subscription[]>;
  deliverEvent(e: AppEvent): Promise<{ status?: number; verdict: Verdict }>;
  deliverBulk(
    sub: Subscription,
    topic: string,
    entries: AppBulkEntry[],
    headers: http.OutgoingHttpHeaders,
  ): Promise<{ status?: number; verdicts: Map<string, Verdict> }>;
  /** gRPC only; HTTP keeps the OPTIONS probe. */
  listInputBindings?(signal?: AbortSignal): Promise<string[]>;
  deliverBinding(
    name: string,
    path: string,
    data: Buffer,
    metadata: Record<string, string>,
    headers: http.OutgoingHttpHeaders,
  ): Promise<{ ok: boolean; status?: number; body: Buffer; error?: string }>;
  invoke(req: AppInvoke): Promise<AppInvokeResult>;
  /** GET health path | AppCallbackHealthCheck.HealthCheck */
  probe: ProbeFn;
  close(): void;
}

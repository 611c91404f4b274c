/**
 * @module tracing/attributes
 * Dapr's span attribute keys (pkg/diagnostics/consts) and the per-building-block sets daprd adds
 * to a span. Where the dashboard contract names an older key than Dapr's current one
 * (`messaging.destination` beside Dapr's `messaging.destination.name`), both are set.
 */
import type { Attributes } from '@opentelemetry/api';

export const ATTR = {
  daprApi: 'dapr.api',
  daprProtocol: 'dapr.protocol',
  daprStatusCode: 'dapr.status_code',
  daprInvokeMethod: 'dapr.invoke_method',
  daprPubsub: 'dapr.pubsub',
  dbSystem: 'db.system',
  dbName: 'db.name',
  dbStatement: 'db.statement',
  dbConnectionString: 'db.connection_string',
  messagingSystem: 'messaging.system',
  messagingDestinationName: 'messaging.destination.name',
  messagingDestination: 'messaging.destination',
  messagingDestinationKind: 'messaging.destination_kind',
  rpcService: 'rpc.service',
  netPeerName: 'net.peer.name',
  httpRequestMethod: 'http.request.method',
  urlFull: 'url.full',
} as const;

/**
 * A resiliency retry on a span (minidapr's own keys; daprd records none, its retries show only as
 * the callee's repeated CallLocal spans): how many attempts have started, and why the last failed.
 */
export function recordRetry(span: { recording: boolean; setAttribute(key: string, value: string | number): void } | undefined, attempt: number, reason: unknown): void {
  if (!span?.recording) return;
  span.setAttribute('dapr.resiliency.attempts', attempt + 1);
  span.setAttribute('dapr.resiliency.last_failure', retryReason(reason));
}

function retryReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason && typeof reason === 'object') {
    const s = reason as { httpStatus?: number; grpcCode?: number };
    if (s.httpStatus !== undefined) return `HTTP status ${s.httpStatus}`;
    if (s.grpcCode !== undefined) return `gRPC status ${s.grpcCode}`;
  }
  return 'failed answer';
}

/** rpc.service of service invocation spans (diagnostics consts DaprGRPCServiceInvocationService). */
export const SERVICE_INVOCATION = 'ServiceInvocation';

/** A store call: state, secrets or an output binding (daprd's appendStateSpanAttributes & co.). */
export function storeAttributes(system: 'state' | 'secrets' | 'bindings', name: string, statement: string): Attributes {
  return { [ATTR.dbSystem]: system, [ATTR.dbConnectionString]: system, [ATTR.dbStatement]: statement, [ATTR.dbName]: name };
}

/** A publish or a delivery (daprd's appendPubSubSpanAttributes / ConstructSubscriptionSpanAttributes). */
export function pubsubAttributes(pubsub: string | undefined, topic: string): Attributes {
  const a: Attributes = {
    [ATTR.messagingSystem]: 'pubsub',
    [ATTR.messagingDestinationName]: topic,
    [ATTR.messagingDestination]: topic,
    [ATTR.messagingDestinationKind]: 'topic',
  };
  if (pubsub) a[ATTR.daprPubsub] = pubsub;
  return a;
}

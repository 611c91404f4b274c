/**
 * @module tracing/peer-span
 * The callee sidecar's side of service invocation: a SERVER span `CallLocal/<app>/<method>` per
 * call arriving on the sidecar-to-sidecar port, child of the caller sidecar's CLIENT span. Its
 * context is what the app receives as `traceparent`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVICE_INVOCATION } from './attributes';
import { handOn } from './api-span';
import type { Tracing } from './tracer';
import { headerValue } from './w3c';

export function tracePeerCall(tracing: Tracing, appId: string, req: IncomingMessage, res: ServerResponse, rawPath: string): void {
  const span = tracing.start('CallLocal', 'SERVER', headerValue(req.headers.traceparent), headerValue(req.headers.tracestate));
  handOn(span.traceparent, span.tracestate, req);
  if (!span.recording) return;
  let method = rawPath.charCodeAt(0) === 47 /* / */ ? rawPath.replace(/^\/+/, '') : rawPath;
  if (method.includes('%')) {
    try {
      method = decodeURIComponent(method);
    } catch {
      // keep the method as sent; direct messaging answers the bad escape
    }
  }
  span.setName(`CallLocal/${appId}/${method}`);
  // Literal keys (ATTR's values), straight into the span: this runs for every sampled call.
  span.setAttribute('rpc.service', SERVICE_INVOCATION);
  span.setAttribute('dapr.invoke_method', method);
  span.setAttribute('dapr.protocol', 'http');
  span.setAttribute('dapr.api', `${req.method ?? 'GET'} /${method}`);
  res.once('close', () => {
    span.setAttribute('dapr.status_code', String(res.statusCode));
    span.end(res.statusCode);
  });
}

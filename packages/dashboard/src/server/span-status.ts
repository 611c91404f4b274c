/**
 * @module server/span-status
 * Reading Dapr's span tags (DASHBOARD-API.md §2): whether a span failed, and which service it belongs to.
 */
import type { ZipkinSpan } from './span-store-types';

/** Zipkin's `error` tag, OpenTelemetry's status, or a 5xx Dapr status code. */
export function isErrorSpan(span: ZipkinSpan): boolean {
  const tags = span.tags ?? {};
  if ('error' in tags) return true;
  if ((tags['otel.status_code'] ?? '').toUpperCase() === 'ERROR') return true;
  const code = Number(tags['dapr.status_code'] ?? tags['http.status_code']);
  return Number.isFinite(code) && code >= 500;
}

export function serviceOf(span: ZipkinSpan): string {
  return span.localEndpoint?.serviceName ?? 'unknown';
}

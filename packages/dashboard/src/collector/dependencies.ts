/**
 * @module collector/dependencies
 * Service dependency links from traces, in the spirit of Zipkin's DependencyLinker: a SERVER or
 * CONSUMER span links its caller (remote service — e.g. the broker — else the nearest ancestor of
 * another service) to its own service; a PRODUCER span links to its remote service (the broker); a
 * CLIENT span links to its remote service only when no instrumented SERVER child answers for it
 * (an uninstrumented peer such as a database). Errors are spans tagged `error`.
 * https://github.com/openzipkin/zipkin/blob/master/zipkin/src/main/java/zipkin2/internal/DependencyLinker.java
 */
import type { DependencyLink, ZipkinSpan } from './types';

function ancestorService(span: ZipkinSpan, byId: Map<string, ZipkinSpan>, self: string): string | undefined {
  const seen = new Set<string>();
  let cur = span.parentId ? byId.get(span.parentId) : undefined;
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    const svc = cur.localEndpoint?.serviceName;
    if (svc && svc !== self) return svc;
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  return undefined;
}

/** Adds the links of one trace to `acc` (keyed `parent\u0000child`). */
export function linkTrace(spans: ZipkinSpan[], acc: Map<string, DependencyLink>): void {
  const byId = new Map<string, ZipkinSpan>();
  // Shared SERVER halves reuse the CLIENT's id: index the client side so ancestors resolve upwards.
  for (const s of spans) if (!byId.has(s.id) || s.kind !== 'SERVER') byId.set(s.id, s);
  const answered = new Set<string>();
  for (const s of spans) {
    if (s.kind !== 'SERVER') continue;
    answered.add(s.shared ? s.id : (s.parentId ?? ''));
  }
  const add = (parent: string | undefined, child: string | undefined, error: boolean): void => {
    if (!parent || !child || parent === child) return;
    const key = `${parent}\u0000${child}`;
    const link = acc.get(key) ?? { parent, child, callCount: 0, errorCount: 0 };
    link.callCount++;
    if (error) link.errorCount = (link.errorCount ?? 0) + 1;
    acc.set(key, link);
  };
  for (const s of spans) {
    const local = s.localEndpoint?.serviceName;
    const remote = s.remoteEndpoint?.serviceName;
    const error = s.tags?.error !== undefined;
    if (s.kind === 'SERVER' || s.kind === 'CONSUMER') {
      add(remote ?? (local ? ancestorService(s, byId, local) : undefined), local, error);
    } else if ((s.kind === 'PRODUCER' || (s.kind === 'CLIENT' && !answered.has(s.id))) && remote) {
      add(local, remote, error);
    }
  }
}

/** Links over many traces, sorted by parent then child. */
export function dependencyLinks(traces: Iterable<ZipkinSpan[]>): DependencyLink[] {
  const acc = new Map<string, DependencyLink>();
  for (const t of traces) linkTrace(t, acc);
  return [...acc.values()].sort((a, b) => a.parent.localeCompare(b.parent) || a.child.localeCompare(b.child));
}

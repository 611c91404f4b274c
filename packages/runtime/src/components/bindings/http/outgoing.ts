/**
 * @module components/bindings/http/outgoing
 * What bindings.http puts on the wire: the target URL (the configured `url` plus the request's
 * `path`, which may not climb out of the url's path however it is encoded) and the request headers
 * (metadata keys starting with an upper-case letter, minus the headers that frame the message or
 * the connection: Go's client ignores or rewrites those, and here they could desynchronise or hang
 * the request).
 */
import { isHeaderName } from '../../../http-syntax';

/**
 * Headers a metadata key may not set: message framing and routing (Host, Content-Length,
 * Transfer-Encoding, Trailer — Go's Request.Write skips them too), hop-by-hop connection control,
 * and Expect (a 100-continue wait this client never answers).
 */
export const DROPPED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'trailer',
  'te',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'expect',
]);

/** Decoding rounds applied before looking for `..`; a path still encoded after this is refused. */
export const MAX_PATH_DECODE_ROUNDS = 3;

/** Go's CanonicalMIMEHeaderKey: `content-type` → `Content-Type`. */
export function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** `path` with percent-escapes decoded until stable; undefined when it is malformed or nests too deep. */
function fullyDecoded(path: string): string | undefined {
  let current = path;
  for (let round = 0; round <= MAX_PATH_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/**
 * The URL a request goes to. The `path` is refused when, decoded, it has a `..` segment (with
 * `/` or `\` as separators), a NUL, or when the resulting URL leaves the base's origin or path.
 */
export function requestTarget(base: URL, path: string | undefined): URL {
  const text = base.toString();
  if (path === undefined || path === '') return new URL(text);
  const invalid = (): Error => new Error(`invalid path: ${path}`);
  const decoded = fullyDecoded(path);
  if (decoded === undefined || decoded.includes('\0')) throw invalid();
  if (decoded.split(/[/\\]/).includes('..')) throw invalid();
  let url: URL;
  try {
    url = new URL(`${text.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  } catch {
    throw invalid();
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (url.origin !== base.origin || (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`))) throw invalid();
  return url;
}

/** Request headers: defaults, the security token, then upper-case metadata keys (framing headers dropped). */
export function requestHeaders(
  metadata: Record<string, string>,
  withBody: boolean,
  token: { header?: string; value?: string },
): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json; charset=utf-8' };
  if (withBody) headers['Content-Type'] = 'application/json; charset=utf-8';
  if (token.value && token.header && !DROPPED_HEADERS.has(token.header.toLowerCase())) headers[canonicalHeader(token.header)] = token.value;
  for (const [k, v] of Object.entries(metadata)) {
    const first = k.charAt(0);
    if (first === first.toLowerCase() || !isHeaderName(k) || /[\r\n\0]/.test(v) || DROPPED_HEADERS.has(k.toLowerCase())) continue;
    headers[canonicalHeader(k)] = v;
  }
  if (metadata.traceparent) headers.Traceparent = metadata.traceparent;
  if (metadata.tracestate) headers.Tracestate = metadata.tracestate;
  return headers;
}

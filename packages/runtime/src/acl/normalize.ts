/**
 * @module acl/normalize
 * The one normal form of an invoked method, shared by the access check and the dispatcher (the lesson
 * of GHSA-85gx-3qv6-4463 / dapr/dapr#9589: they must never see different paths). Like daprd:
 * the method is percent-decoded first (`%2F` is a real `/`), then cleaned like Go's `path.Clean`
 * (`//` collapsed, `.` and `..` resolved, a trailing `/` dropped, leading `../` stripped), and only
 * then checked for `#`, `?`, NUL and control characters, which are refused. So `public%23/../admin`
 * is the method `admin` (the access check decides), while `admin%23x` is refused.
 * Operation names in policies and methods are compared with a leading `/`, and case-insensitively
 * when the app speaks HTTP (dapr/dapr `pkg/acl/acl.go`, `pkg/messaging/method/normalize.go`).
 */

export class InvalidMethodError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidMethodError';
  }
}

const FORBIDDEN = /[#?\u0000-\u001f\u007f]/;

/** Go's `path.Clean`: the shortest equivalent path; `.` for an empty result of a relative path. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  return rooted ? '/' + joined : joined || '.';
}

/** The normalised method (decoded input; no leading slash in the result), or InvalidMethodError. */
export function normaliseMethod(decoded: string): string {
  let m = cleanPath(decoded);
  if (FORBIDDEN.test(m)) throw new InvalidMethodError('invalid method name: it contains a reserved or control character');
  while (m.startsWith('../')) m = m.slice(3);
  if (m === '..' || m === '.') return '';
  return m.replace(/^\/+/, '');
}

/** The key an operation (a policy's `name` or a called method) is looked up by. */
export function operationKey(name: string, caseInsensitive: boolean): string {
  const withSlash = name.startsWith('/') ? name : '/' + name;
  return caseInsensitive ? withSlash.toLowerCase() : withSlash;
}

/** Characters a path may carry unescaped (RFC 3986 pchar and `/`); everything else is percent-encoded. */
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/**
 * The normalised method as a request path (leading `/`), percent-encoded as UTF-8 where needed:
 * `a b` → `/a%20b`, `café` → `/caf%C3%A9`, `%` → `%25`. Decoding it gives back the method exactly.
 */
export function methodToPath(method: string): string {
  let out = '/';
  for (const ch of method) {
    if (PATH_SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The query to forward: what follows `?` up to a `#` (a fragment is never sent on), or nothing. */
export function forwardableQuery(rawQuery: string): string {
  const hash = rawQuery.indexOf('#');
  const q = hash >= 0 ? rawQuery.slice(0, hash) : rawQuery;
  return q === '?' ? '' : q;
}

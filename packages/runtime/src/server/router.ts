/**
 * @module server/router
 * A small, allocation-light matcher for the endpoint tables. Patterns use `:name` for one segment
 * and `*name` (last only) for the rest of the path. Parameters are query-unescaped like chi's.
 */
export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
  /** The same parameters still escaped, exactly as the segments were matched. */
  rawParams: Record<string, string>;
}

interface Node<T> {
  literal: Map<string, Node<T>>;
  param?: { name: string; node: Node<T> };
  wildcard?: { name: string; byMethod: Map<string, T> };
  byMethod: Map<string, T>;
}

function newNode<T>(): Node<T> {
  return { literal: new Map(), byMethod: new Map() };
}

export class Router<T> {
  private readonly root = newNode<T>();

  add(methods: readonly string[], pattern: string, value: T): void {
    const segments = pattern.split('/').filter(Boolean);
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as string;
      if (seg.startsWith('*')) {
        if (i !== segments.length - 1) throw new Error(`programming error: wildcard must be last in ${pattern}`);
        node.wildcard ??= { name: seg.slice(1), byMethod: new Map() };
        for (const m of methods) setOnce(node.wildcard.byMethod, m, value, pattern);
        return;
      }
      if (seg.startsWith(':')) {
        node.param ??= { name: seg.slice(1), node: newNode<T>() };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) {
          next = newNode<T>();
          node.literal.set(seg, next);
        }
        node = next;
      }
    }
    for (const m of methods) setOnce(node.byMethod, m, value, pattern);
  }

  /** `segments` are the raw (still escaped) path segments. */
  match(method: string, segments: readonly string[]): RouteMatch<T> | undefined {
    const params: Record<string, string> = {};
    const rawParams: Record<string, string> = {};
    const value = this.walk(this.root, method, segments, 0, params, rawParams);
    return value === undefined ? undefined : { value, params, rawParams };
  }

  private walk(node: Node<T>, method: string, segs: readonly string[], i: number, params: Record<string, string>, raw: Record<string, string>): T | undefined {
    if (i === segs.length) return node.byMethod.get(method);
    const seg = segs[i] as string;
    const lit = node.literal.get(seg);
    if (lit) {
      const found = this.walk(lit, method, segs, i + 1, params, raw);
      if (found !== undefined) return found;
    }
    if (node.param) {
      const found = this.walk(node.param.node, method, segs, i + 1, params, raw);
      if (found !== undefined) {
        params[node.param.name] = unescapeParam(seg);
        raw[node.param.name] = seg;
        return found;
      }
    }
    if (node.wildcard) {
      const found = node.wildcard.byMethod.get(method);
      if (found !== undefined) {
        params[node.wildcard.name] = segs.slice(i).map(unescapeParam).join('/');
        raw[node.wildcard.name] = segs.slice(i).join('/');
        return found;
      }
    }
    return undefined;
  }
}

function setOnce<T>(map: Map<string, T>, method: string, value: T, pattern: string): void {
  if (map.has(method)) throw new Error(`programming error: duplicate route ${method} ${pattern}`);
  map.set(method, value);
}

/** Go's url.QueryUnescape: `+` is a space, `%XX` decoded; invalid escapes are kept verbatim. */
export function unescapeParam(seg: string): string {
  const spaced = seg.includes('+') ? seg.replace(/\+/g, ' ') : seg;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * The parameters of `pattern` read from the path as sent, for routes where an empty segment means
 * something (the cleaned path collapses `//`): a literal skips empty segments before it, `:name`
 * takes the next segment as it is (possibly empty), `*name` joins the non-empty rest. A path with
 * `.`/`..` segments is read cleaned (resolving them needs the cleaning).
 */
export function paramsAsSent(pattern: string, rawPath: string, cleanedPath: string): Record<string, string> {
  const dotted = /(^|\/)\.\.?(\/|$)/.test(rawPath);
  const segs = (dotted ? cleanedPath : rawPath).split('/');
  const params: Record<string, string> = {};
  let i = 0;
  for (const part of pattern.split('/').filter(Boolean)) {
    if (part.startsWith('*')) {
      params[part.slice(1)] = segs.slice(i).filter((s) => s !== '').map(unescapeParam).join('/');
      break;
    }
    if (part.startsWith(':')) {
      params[part.slice(1)] = unescapeParam(segs[i] ?? '');
      i++;
      continue;
    }
    while (i < segs.length && segs[i] === '') i++;
    i++;
  }
  return params;
}

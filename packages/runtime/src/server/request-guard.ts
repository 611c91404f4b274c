/**
 * @module server/request-guard
 * Refuses what a browser could make the sidecar do. Two checks, before the API token and routing:
 * - Host: a DNS-rebinding page reaches 127.0.0.1 under the attacker's own name, so a request whose
 *   Host is not an IP literal, localhost or one of the sidecar's own names is refused (403).
 * - Origin: a "simple" cross-site request (a text/plain POST, an <img> GET) runs without any CORS
 *   preflight, so CORS headers alone cannot stop it: a request that a browser marks as coming from
 *   another site (Origin, or Sec-Fetch-Site: cross-site/same-site) is refused unless its origin is
 *   in --allowed-origins. Allowed origins get CORS headers and their preflights are answered.
 * daprd defaults --allowed-origins to `*`; minidapr defaults to none, since nothing a browser page
 * does against a local sidecar is wanted unless the user says so. SDKs and curl send neither header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { securityErrors } from '../errors/security';
import { respondError } from './respond';

export interface RequestGuardOptions {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  ownHostnames?: readonly string[];
  listenAddresses?: readonly string[];
}

const CORS_MAX_AGE_S = '600';
const CORS_METHODS = 'GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS';

export class RequestGuard {
  private readonly anyHost: boolean;
  private readonly names = new Set<string>(['localhost']);
  private readonly suffixes: string[] = ['.localhost'];
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;

  constructor(o: RequestGuardOptions) {
    this.anyHost = o.allowedHosts.includes('*');
    for (const h of [...o.allowedHosts, ...(o.ownHostnames ?? []), ...(o.listenAddresses ?? [])]) this.allowName(h);
    this.anyOrigin = o.allowedOrigins.includes('*');
    this.origins = new Set(o.allowedOrigins.map(normaliseOrigin));
  }

  /** Adds a Host name the sidecar answers to (`*.example` allows every subdomain of example). */
  allowName(name: string): void {
    const n = name.trim().toLowerCase().replace(/\.$/, '');
    if (!n || n === '*') return;
    if (n.startsWith('*.')) this.suffixes.push(n.slice(1));
    else this.names.add(n);
  }

  hostAllowed(host: string | undefined): boolean {
    if (this.anyHost || host === undefined) return true; // HTTP/1.0 without Host: no browser sends that
    const name = hostName(host);
    if (name === undefined) return false;
    if (isIP(name) !== 0) return true; // nobody can rebind an IP literal
    return this.names.has(name) || this.suffixes.some((s) => name.endsWith(s));
  }

  originAllowed(origin: string): boolean {
    return this.anyOrigin || this.origins.has(normaliseOrigin(origin));
  }

  /**
   * Checks one request; answers it (refusal or CORS preflight) and returns true when the caller must
   * not go on. Allowed cross-origin requests get their CORS headers set on `res`.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.hostAllowed(req.headers.host)) return refuse(req, res, securityErrors.hostNotAllowed(req.headers.host ?? ''));
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin === undefined && (site === undefined || site === 'same-origin' || site === 'none')) return false;
    if (origin === undefined ? !this.anyOrigin : !this.originAllowed(origin)) {
      return refuse(req, res, securityErrors.originNotAllowed(origin ?? `(none; Sec-Fetch-Site: ${String(site)})`));
    }
    if (origin === undefined) return false;
    res.setHeader('access-control-allow-origin', this.anyOrigin ? '*' : origin);
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      const headers: Record<string, string> = { 'access-control-allow-methods': CORS_METHODS, 'access-control-max-age': CORS_MAX_AGE_S };
      const asked = req.headers['access-control-request-headers'];
      if (typeof asked === 'string' && asked) headers['access-control-allow-headers'] = asked;
      res.writeHead(204, headers).end();
      req.resume();
      return true;
    }
    return false;
  }
}

/** The guard for a sidecar's options (its own names, listen addresses and the two flags). */
export function guardFor(o: RequestGuardOptions): RequestGuard {
  return new RequestGuard(o);
}

function refuse(req: IncomingMessage, res: ServerResponse, err: ReturnType<typeof securityErrors.hostNotAllowed>): true {
  res.setHeader('connection', 'close');
  respondError(res, err);
  req.resume();
  return true;
}

/** The host part of a Host header, lower-cased, without port, brackets or a trailing dot; undefined if malformed. */
export function hostName(host: string): string | undefined {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    return rest === '' || /^:\d*$/.test(rest) ? h.slice(1, end) : undefined;
  }
  const colon = h.indexOf(':');
  const name = colon >= 0 ? h.slice(0, colon) : h;
  if (colon >= 0 && !/^\d*$/.test(h.slice(colon + 1))) return undefined;
  return name.replace(/\.$/, '') || undefined;
}

function normaliseOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/$/, '');
}

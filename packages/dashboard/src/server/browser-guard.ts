/**
 * @module server/browser-guard
 * What a web page on another site must not make the dashboard do. The explorer sends requests
 * through the sidecars and the logs show app output, so the dashboard refuses:
 * - a Host that is not an IP literal, `localhost`/`*.localhost`, this machine's name or the address
 *   it listens on (a DNS-rebinding page reaches 127.0.0.1 under its own name);
 * - a request a browser marks as cross-site (an Origin that is not the dashboard's own, or
 *   `Sec-Fetch-Site: cross-site`/`same-site`): the UI is served from the same origin, so it never needs that;
 * - a POST whose body is not `application/json` (a cross-site form or `text/plain` fetch needs no preflight).
 * curl and scripts send none of these browser headers and are unaffected.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { hostName } from '@minidapr/runtime';
import { HttpError } from './respond';

export class BrowserGuard {
  private readonly names: Set<string>;

  constructor(listenHost: string, extraNames: readonly string[] = []) {
    this.names = new Set(['localhost', hostname().toLowerCase(), listenHost.toLowerCase(), ...extraNames.map((n) => n.toLowerCase())]);
  }

  hostAllowed(host: string | undefined): boolean {
    if (host === undefined) return true; // HTTP/1.0 without Host: no browser sends that
    const name = hostName(host);
    if (name === undefined) return false;
    return isIP(name) !== 0 || this.names.has(name) || name.endsWith('.localhost');
  }

  /** Throws a 403/415 HttpError for a request the dashboard must not serve. */
  check(req: IncomingMessage): void {
    const host = req.headers.host;
    if (!this.hostAllowed(host)) throw new HttpError(403, `Host ${JSON.stringify(host)} is not allowed: open the dashboard as http://localhost:<port> or by IP address`);
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') throw new HttpError(403, 'cross-site requests are not allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && !sameOrigin(origin, host)) throw new HttpError(403, `requests from ${origin} are not allowed`);
    if (origin === 'null') throw new HttpError(403, 'requests from opaque origins are not allowed');
    if (req.method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, 'POST bodies must be application/json');
    }
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

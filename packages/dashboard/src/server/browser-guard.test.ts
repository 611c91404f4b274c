import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { BrowserGuard } from './browser-guard';

const req = (headers: Record<string, string>, method = 'GET') => ({ method, headers }) as unknown as IncomingMessage;
const status = (g: BrowserGuard, r: IncomingMessage): number => {
  try {
    g.check(r);
    return 200;
  } catch (e) {
    return (e as { status: number }).status;
  }
};

describe('BrowserGuard', () => {
  const g = new BrowserGuard('localhost');

  it('accepts IP literals, localhost names, this machine and the listen address as Host', () => {
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080', 'app.localhost', hostname(), '10.1.2.3']) expect(g.hostAllowed(host)).toBe(true);
    expect(new BrowserGuard('dash.internal').hostAllowed('dash.internal:8080')).toBe(true);
    expect(g.hostAllowed(undefined)).toBe(true);
  });

  it('refuses other names and malformed Host headers', () => {
    for (const host of ['evil.example', 'localhost.evil.example:8080', 'localhost:80x', '[::1']) expect(g.hostAllowed(host)).toBe(false);
  });

  it('refuses cross-site browser requests and opaque origins', () => {
    expect(status(g, req({ host: 'localhost:8080', origin: 'http://evil.example' }))).toBe(403);
    expect(status(g, req({ host: 'localhost:8080', origin: 'http://localhost:9999' }))).toBe(403);
    expect(status(g, req({ host: 'localhost:8080', origin: 'null' }))).toBe(403);
    expect(status(g, req({ host: 'localhost:8080', 'sec-fetch-site': 'same-site' }))).toBe(403);
    expect(status(g, req({ host: 'localhost:8080', origin: 'http://localhost:8080', 'sec-fetch-site': 'same-origin' }))).toBe(200);
  });

  it('takes only JSON POST bodies', () => {
    expect(status(g, req({ host: 'localhost:8080', 'content-type': 'text/plain' }, 'POST'))).toBe(415);
    expect(status(g, req({ host: 'localhost:8080' }, 'POST'))).toBe(415);
    expect(status(g, req({ host: 'localhost:8080', 'content-type': 'application/json; charset=utf-8' }, 'POST'))).toBe(200);
  });
});

/**
 * @module lib/http
 * Minimal HTTP client for talking to local sidecars (node:http, no keep-alive, so a finished
 * command never waits on idle sockets).
 */
import http from 'node:http';

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export function httpRequest(method: string, url: string, o: HttpRequestOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...o.headers };
    if (o.body !== undefined) headers['content-length'] = Buffer.byteLength(o.body);
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.setTimeout(o.timeoutMs ?? 10000, () => req.destroy(new Error(`no answer within ${o.timeoutMs ?? 10000} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Headers every call to a sidecar's API carries (the API token when the user set one). */
export function sidecarHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  return env.DAPR_API_TOKEN ? { 'dapr-api-token': env.DAPR_API_TOKEN } : {};
}

/** GET a sidecar path; the status, or 0 when nothing answered. */
export async function probeStatus(port: number, path: string, env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const r = await httpRequest('GET', `http://127.0.0.1:${port}${path}`, { headers: sidecarHeaders(env), timeoutMs: 2000 });
    return r.status;
  } catch {
    return 0;
  }
}

/** PUT /v1.0/metadata/<key> (what `list` and `stop` read back), retried briefly like dapr/cli. */
export async function putMetadata(port: number, key: string, value: string, env: NodeJS.ProcessEnv): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await httpRequest('PUT', `http://127.0.0.1:${port}/v1.0/metadata/${encodeURIComponent(key)}`, {
        headers: { ...sidecarHeaders(env), 'content-type': 'text/plain' },
        body: value,
        timeoutMs: 3000,
      });
      if (r.status >= 200 && r.status < 300) return;
      last = new Error(`HTTP ${r.status} ${r.body.toString('utf8')}`.trim());
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
  }
  throw last instanceof Error ? last : new Error(String(last));
}

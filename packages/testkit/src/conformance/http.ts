/**
 * @module conformance/http
 * The small HTTP client the conformance suites use: every case drives the sidecar's public API,
 * never a component directly.
 */
export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `status` plus, for errors, the Dapr `errorCode` and message: what assertions compare. */
export function outcome(r: HttpResult): { status: number; errorCode?: string; message?: string } {
  const body = r.json as { errorCode?: string; message?: string } | undefined;
  if (r.status < 400 || !body?.errorCode) return { status: r.status };
  return { status: r.status, errorCode: body.errorCode, message: body.message };
}

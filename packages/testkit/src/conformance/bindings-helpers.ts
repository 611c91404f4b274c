/**
 * @module conformance/bindings-helpers
 * Small pieces the bindings conformance suite needs: the bytes daprd hands a component for a
 * request's `data` (Go's json.Marshal of the decoded value), the operations a binding lists (read
 * from daprd's "does not support operation" error, the public surface of Operations()), and the
 * `metadata.<k>` response headers as a map.
 */
import { call, type HttpResult } from './http';

/** The contrib suite's default output payload (a CloudEvent array, as Azure Event Grid needs). */
export const DEFAULT_OUTPUT_DATA: unknown = [
  { eventType: 'test', eventTime: '2018-01-25T22:12:19.4556811Z', subject: 'dapr-conf-tests', id: 'A234-1234-1234', data: 'root/>' },
];

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON as Go's json.Marshal writes a decoded value: object keys sorted, `<`, `>`, `&` escaped. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] as string);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${goJson(k)}:${goJson(obj[k])}`).join(',')}}`;
}

/** POST /v1.0/bindings/{name}. */
export function invokeBinding(baseUrl: string, name: string, operation: string, data?: unknown, metadata?: Record<string, string>): Promise<HttpResult> {
  const body: Record<string, unknown> = { operation };
  if (data !== undefined) body.data = data;
  if (metadata !== undefined) body.metadata = metadata;
  return call('POST', `${baseUrl}/v1.0/bindings/${encodeURIComponent(name)}`, body);
}

/**
 * The operations an output binding lists. daprd has no endpoint for Operations(), but it names them
 * when an operation is not supported: "… does not support operation <op>. supported operations:<a b c>".
 */
export async function listedOperations(baseUrl: string, name: string): Promise<string[]> {
  const r = await invokeBinding(baseUrl, name, 'minidapr-conformance-no-such-operation', null, {});
  const message = (r.json as { message?: string } | undefined)?.message ?? '';
  const at = message.indexOf('supported operations:');
  if (r.status !== 500 || at < 0) throw new Error(`expected a 500 listing the supported operations, got ${r.status} ${r.text}`);
  return message.slice(at + 'supported operations:'.length).trim().split(/\s+/).filter(Boolean);
}

/** The `metadata.<k>` response headers as a map. */
export function responseMetadata(r: HttpResult): Record<string, string> {
  const out: Record<string, string> = {};
  r.headers.forEach((value, key) => {
    if (key.startsWith('metadata.')) out[key.slice('metadata.'.length)] = value;
  });
  return out;
}

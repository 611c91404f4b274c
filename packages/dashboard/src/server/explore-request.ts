/**
 * @module server/explore-request
 * The API explorer's input: validated into the one sidecar HTTP request it stands for
 * (invoke, publish, state get, state save), with Dapr's routes.
 */
import { badRequest } from './respond';

export type ExploreInput =
  | { kind: 'invoke'; targetAppId: string; method: string; verb: Verb; headers?: Record<string, string>; body?: string }
  | { kind: 'publish'; pubsub: string; topic: string; data: string; contentType?: string }
  | { kind: 'state-get'; store: string; key: string }
  | { kind: 'state-save'; store: string; key: string; value: string };

export const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
type Verb = (typeof VERBS)[number];

export interface SidecarRequest {
  method: string;
  /** Path and query on the sidecar's HTTP port. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const seg = (s: string): string => encodeURIComponent(s);

function text(o: Record<string, unknown>, field: string, optional = false): string | undefined {
  const v = o[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || (!optional && v.trim() === '')) throw badRequest(`${field}: must be a non-empty string`);
  return v;
}

function req(o: Record<string, unknown>, field: string): string {
  return text(o, field) as string;
}

function headerMap(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('headers: must be an object of header names to string values');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw badRequest(`headers.${k}: must be a string`);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw badRequest(`headers: "${k}" is not a valid header name`);
    out[k.toLowerCase()] = val;
  }
  return out;
}

/** Turns the explorer's JSON body into the sidecar request; throws HttpError 400 on bad input. */
export function toSidecarRequest(input: unknown): SidecarRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('body: must be a JSON object with a "kind"');
  const o = input as Record<string, unknown>;
  switch (o.kind) {
    case 'invoke': {
      const verb = String(o.verb ?? 'POST').toUpperCase();
      if (!(VERBS as readonly string[]).includes(verb)) throw badRequest(`verb: must be one of ${VERBS.join(', ')}`);
      const method = req(o, 'method').replace(/^\/+/, '');
      const body = text(o, 'body', true);
      const headers = headerMap(o.headers);
      if (body !== undefined && body !== '' && !headers['content-type']) headers['content-type'] = 'application/json';
      return { method: verb, path: `/v1.0/invoke/${seg(req(o, 'targetAppId'))}/method/${method}`, headers, body: body === '' ? undefined : body };
    }
    case 'publish': {
      const data = text(o, 'data', true) ?? '';
      return {
        method: 'POST',
        path: `/v1.0/publish/${seg(req(o, 'pubsub'))}/${seg(req(o, 'topic'))}`,
        headers: { 'content-type': text(o, 'contentType', true) || 'application/json' },
        body: data,
      };
    }
    case 'state-get':
      return { method: 'GET', path: `/v1.0/state/${seg(req(o, 'store'))}/${seg(req(o, 'key'))}`, headers: {} };
    case 'state-save': {
      const raw = text(o, 'value', true);
      if (raw === undefined) throw badRequest('value: must be a string holding JSON');
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        throw badRequest(`value: not valid JSON: ${(err as Error).message}`);
      }
      return {
        method: 'POST',
        path: `/v1.0/state/${seg(req(o, 'store'))}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ key: req(o, 'key'), value }]),
      };
    }
    default:
      throw badRequest(`kind: must be one of invoke, publish, state-get, state-save (got ${JSON.stringify(o.kind)})`);
  }
}

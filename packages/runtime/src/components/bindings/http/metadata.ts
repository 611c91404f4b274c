/**
 * @module components/bindings/http/metadata
 * bindings.http metadata, with the field names of Dapr's HTTP binding.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseQuantity } from '../../../quantity';
import { MetadataError } from '../../errors';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';
import { BINDING_RUNTIME_FIELDS } from '../runtime-fields';

export const COMPONENT = 'bindings.http';
export const DEFAULT_MAX_RESPONSE_BODY_SIZE = '100Mi';
/** Dapr sets no limit; a request that never completes would hold the caller forever, so this does. */
export const DEFAULT_RESPONSE_TIMEOUT = '60s';

export const HTTP_BINDING_METADATA: readonly FieldSpec[] = [
  { name: 'url', type: 'string', required: true, description: 'Base URL requests go to; the request metadata `path` is appended.' },
  {
    name: 'responseTimeout',
    type: 'duration',
    default: DEFAULT_RESPONSE_TIMEOUT,
    description: 'Give up on a request (and fail it) when no complete response arrived after this long; `0` means no limit (Dapr has none by default).',
  },
  {
    name: 'maxResponseBodySize',
    type: 'string',
    default: DEFAULT_MAX_RESPONSE_BODY_SIZE,
    description: 'Largest response body read (a quantity like `100Mi`, or bytes); longer bodies are cut at this size, as Dapr does.',
  },
  { name: 'errorIfNot2XX', type: 'boolean', default: 'true', description: 'Fail the call when the answer is not 2xx (overridable per request).' },
  { name: 'MTLSRootCA', type: 'string', description: 'CA certificate (PEM text or a file path) to verify the server with.' },
  { name: 'MTLSClientCert', type: 'string', description: 'Client certificate (PEM text or a file path) for mutual TLS; needs MTLSClientKey.' },
  { name: 'MTLSClientKey', type: 'string', sensitive: true, description: 'Client private key (PEM text or a file path) for mutual TLS; needs MTLSClientCert.' },
  { name: 'MTLSRenegotiation', type: 'string', description: 'Accepted for compatibility; TLS renegotiation is left to Node.js defaults.' },
  { name: 'securityToken', type: 'string', sensitive: true, description: 'Value of a header added to every request (with securityTokenHeader).' },
  { name: 'securityTokenHeader', type: 'string', description: 'Name of the header that carries securityToken.' },
  ...BINDING_RUNTIME_FIELDS,
];

export interface HttpBindingConfig {
  url: URL;
  /** 0 = no limit. */
  responseTimeoutMs: number;
  maxResponseBodySize: number;
  errorIfNot2XX: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  securityToken?: string;
  securityTokenHeader?: string;
}

function pem(field: string, value: string | undefined, cwd: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN')) return value;
  const file = isAbsolute(value) ? value : resolve(cwd, value);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new MetadataError(COMPONENT, field, `is neither PEM text nor a readable file (${file}): ${(err as Error).message}`);
  }
}

export function parseHttpMetadata(raw: MetadataMap, cwd: string): HttpBindingConfig {
  const m = decodeMetadata(COMPONENT, HTTP_BINDING_METADATA, raw);
  let url: URL;
  try {
    url = new URL(m.url as string);
  } catch {
    throw new MetadataError(COMPONENT, 'url', 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MetadataError(COMPONENT, 'url', 'must use http or https');
  }
  const maxResponseBodySize = parseQuantity(m.maxResponseBodySize as string);
  if (maxResponseBodySize === undefined) {
    throw new MetadataError(COMPONENT, 'maxResponseBodySize', 'must be a size like 100Mi or 1048576');
  }
  const cert = pem('MTLSClientCert', m.MTLSClientCert as string | undefined, cwd);
  const key = pem('MTLSClientKey', m.MTLSClientKey as string | undefined, cwd);
  if ((cert === undefined) !== (key === undefined)) {
    throw new MetadataError(COMPONENT, cert === undefined ? 'MTLSClientCert' : 'MTLSClientKey', 'is required when the other half of the client certificate is set');
  }
  return {
    url,
    responseTimeoutMs: Math.max(0, m.responseTimeout as number),
    maxResponseBodySize,
    errorIfNot2XX: m.errorIfNot2XX as boolean,
    ca: pem('MTLSRootCA', m.MTLSRootCA as string | undefined, cwd),
    cert,
    key,
    securityToken: m.securityToken as string | undefined,
    securityTokenHeader: m.securityTokenHeader as string | undefined,
  };
}

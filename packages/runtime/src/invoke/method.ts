/**
 * @module invoke/method
 * Finds the target app id and method of an invocation. The method's one normal form (what the access
 * check sees and the app receives) comes from acl/normalize.ts.
 */
export interface InvokeTarget {
  appId: string;
  namespace?: string;
  method: string;
}

/** Decodes a raw URL path; undefined when an escape sequence is malformed. */
export function decodePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** `appId` or `appId.namespace` (exactly one dot). */
export function splitAppId(id: string): { appId: string; namespace?: string } | undefined {
  const parts = id.split('.');
  if (parts.length === 1) return { appId: id };
  if (parts.length === 2 && parts[0] && parts[1]) return { appId: parts[0], namespace: parts[1] };
  return undefined;
}

const INVOKE_PREFIX = '/v1.0/invoke/';

/**
 * Path form: `/v1.0/invoke/{id}/method/{method...}` (raw path, without the query).
 * The id ends at the FIRST `/method/`; everything after it is the method.
 */
export function parseInvokePath(rawPath: string): { id: string; rawMethod: string } | undefined {
  if (!rawPath.startsWith(INVOKE_PREFIX)) return undefined;
  const rest = rawPath.slice(INVOKE_PREFIX.length);
  const at = rest.indexOf('/method/');
  if (at <= 0) {
    if (rest.endsWith('/method') && rest.length > '/method'.length) return { id: rest.slice(0, -'/method'.length), rawMethod: '' };
    return undefined;
  }
  return { id: rest.slice(0, at), rawMethod: rest.slice(at + '/method/'.length) };
}

/** The app id from `Authorization: Basic base64("dapr-app-id:<id>")`, if that is what it holds. */
export function appIdFromBasicAuth(header: string | undefined): string | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  return decoded.startsWith('dapr-app-id:') ? decoded.slice('dapr-app-id:'.length) || undefined : undefined;
}

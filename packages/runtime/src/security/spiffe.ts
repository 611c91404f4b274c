/**
 * @module security/spiffe
 * SPIFFE IDs as Dapr uses them: `spiffe://<trustDomain>/ns/<namespace>/<appId>`, carried as the
 * one URI subject alternative name of a workload certificate.
 */

export interface SpiffeId {
  trustDomain: string;
  namespace: string;
  appId: string;
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

export function spiffeIdString(id: SpiffeId): string {
  return `spiffe://${id.trustDomain}/ns/${id.namespace}/${id.appId}`;
}

/** Parses a Dapr-shaped SPIFFE ID; undefined for anything else (other paths, empty or odd segments). */
export function parseSpiffeId(uri: string): SpiffeId | undefined {
  const m = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m) return undefined;
  const [, trustDomain, namespace, appId] = m as unknown as [string, string, string, string];
  if (![trustDomain, namespace, appId].every((s) => SEGMENT.test(s))) return undefined;
  return { trustDomain: trustDomain.toLowerCase(), namespace, appId };
}

/**
 * The SPIFFE ID in a certificate's subjectAltName as node reports it (`URI:spiffe://…, DNS:…`).
 * A certificate with no URI SAN, or with more than one SPIFFE URI, has no usable identity.
 */
export function spiffeIdFromSan(subjectAltName: string | undefined): SpiffeId | undefined {
  if (!subjectAltName) return undefined;
  const uris = splitSan(subjectAltName)
    .filter((e) => e.startsWith('URI:spiffe://'))
    .map((e) => e.slice(4));
  if (uris.length !== 1) return undefined;
  return parseSpiffeId(uris[0] as string);
}

/** node quotes SAN entries that contain `,` or `"` as JSON strings; split on the unquoted commas. */
function splitSan(san: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < san.length; i++) {
    const c = san[i] as string;
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

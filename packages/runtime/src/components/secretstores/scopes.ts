/**
 * @module components/secretstores/scopes
 * Secret scopes from a Configuration's `spec.secrets.scopes`: which secrets of a store this app may
 * read. Per store: an allow list wins outright; otherwise a deny list entry denies; otherwise
 * `defaultAccess` (allow unless "deny") decides. A store without a scope allows everything.
 */

export interface SecretScope {
  storeName: string;
  /** 'allow' (default) or 'deny'. */
  defaultAccess: 'allow' | 'deny';
  allowedSecrets: string[];
  deniedSecrets: string[];
}

export type SecretScopes = ReadonlyMap<string, SecretScope>;

export function isSecretAllowed(scopes: SecretScopes | undefined, storeName: string, key: string): boolean {
  const scope = scopes?.get(storeName);
  if (!scope) return true;
  if (scope.allowedSecrets.length > 0) return scope.allowedSecrets.includes(key);
  if (scope.deniedSecrets.includes(key)) return false;
  return scope.defaultAccess === 'allow';
}

/**
 * Parses `spec.secrets.scopes` of one Configuration document into `into` (keyed by store name).
 * Problems are appended to `issues`, each naming the file and the field.
 */
export function parseSecretScopes(raw: unknown, file: string, into: Map<string, SecretScope>, issues: string[]): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    issues.push(`${file}: field "spec.secrets.scopes" must be a list of {storeName, defaultAccess, allowedSecrets, deniedSecrets}`);
    return;
  }
  raw.forEach((entry: unknown, i) => {
    const field = `spec.secrets.scopes[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      issues.push(`${file}: field "${field}" must be a mapping`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const storeName = typeof e.storeName === 'string' ? e.storeName : '';
    if (!storeName) {
      issues.push(`${file}: field "${field}.storeName" is required`);
      return;
    }
    if (into.has(storeName)) {
      issues.push(`${file}: field "${field}.storeName": "${storeName}" storeName is repeated in secrets configuration`);
      return;
    }
    const access = e.defaultAccess === undefined || e.defaultAccess === null ? '' : String(e.defaultAccess);
    if (access !== '' && !['allow', 'deny'].includes(access.toLowerCase())) {
      issues.push(`${file}: field "${field}.defaultAccess": defaultAccess ${JSON.stringify(access)} can be either allow or deny`);
      return;
    }
    const allowed = stringList(e.allowedSecrets, `${file}: field "${field}.allowedSecrets"`, issues);
    const denied = stringList(e.deniedSecrets, `${file}: field "${field}.deniedSecrets"`, issues);
    if (!allowed || !denied) return;
    into.set(storeName, {
      storeName,
      defaultAccess: access.toLowerCase() === 'deny' ? 'deny' : 'allow',
      allowedSecrets: allowed,
      deniedSecrets: denied,
    });
  });
}

function stringList(v: unknown, at: string, issues: string[]): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x === 'object' && x !== null)) {
    issues.push(`${at} must be a list of secret names`);
    return undefined;
  }
  return v.map((x) => String(x));
}

/**
 * @module acl/policy
 * The compiled access-control list of a Configuration's `spec.accessControl`: per calling app (keyed
 * by app id and namespace) its trust domain, default action and an operation trie, as daprd builds it
 * in `ParseAccessControlSpec` (dapr/dapr `pkg/acl/acl.go`).
 */
import type { AccessControlSpec } from '../config/access-control';
import { operationKey } from './normalize';
import { OperationTrie } from './trie';

/**
 * Logged at start-up when policies are set but callers are only identified by what they claim
 * (mTLS off): anyone who can reach the sidecar-to-sidecar port can claim to be any app.
 */
export const SPOOFABLE_IDENTITY_WARNING =
  'accessControl is set but mTLS is off: ACL decisions rest on the caller identity claimed in request headers, which any process that can reach the sidecar-to-sidecar port can spoof';

export const ALLOW = 'allow';
export const DENY = 'deny';

/** What one listed operation decides: per HTTP verb (`*` = any verb), and without a verb. */
export interface OperationRule {
  operation: string;
  verbs: Map<string, string>;
  action: string;
}

export interface AppPolicy {
  appId: string;
  namespace: string;
  trustDomain: string;
  /** '' when the policy has none: then the global default applies. */
  defaultAction: string;
  operations: OperationTrie<OperationRule>;
}

export interface AccessControlList {
  /** Lower-case `allow`/`deny` (other values deny). */
  defaultAction: string;
  trustDomain: string;
  /** The app speaks HTTP: operation names compare case-insensitively and verbs are matched. */
  httpApp: boolean;
  policies: Map<string, AppPolicy>;
}

export function policyKey(appId: string, namespace: string): string {
  return `${appId}||${namespace}`;
}

/**
 * Builds the lookup tables; undefined when the spec sets nothing at all (then every call is allowed).
 * The spec has been validated (config/access-control.ts): every policy has an app id, a namespace and
 * a trust domain.
 */
export function compileAccessControl(spec: AccessControlSpec | undefined, httpApp = true): AccessControlList | undefined {
  if (!spec || (!spec.trustDomain && !spec.defaultAction && (spec.policies?.length ?? 0) === 0)) return undefined;
  const acl: AccessControlList = {
    defaultAction: (spec.defaultAction ?? '').toLowerCase() || defaultWithoutGlobalAction(spec),
    trustDomain: spec.trustDomain || 'public',
    httpApp,
    policies: new Map(),
  };
  for (const p of spec.policies ?? []) {
    const operations = new OperationTrie<OperationRule>();
    for (const op of p.operations ?? []) {
      const operation = operationKey(op.name, httpApp);
      operations.put(operation, { operation, verbs: new Map((op.httpVerb ?? []).map((v) => [v, op.action])), action: op.action });
    }
    // Two policies for the same app and namespace: the later one replaces the earlier (a map in daprd).
    acl.policies.set(policyKey(p.appId, p.namespace), {
      appId: p.appId,
      namespace: p.namespace,
      trustDomain: p.trustDomain,
      defaultAction: p.defaultAction ?? '',
      operations,
    });
  }
  return acl;
}

/**
 * No global defaultAction: deny when app policies are listed (or the list is left out), allow for an
 * explicitly empty list — daprd's rule, kept as is.
 */
function defaultWithoutGlobalAction(spec: AccessControlSpec): string {
  return spec.policies !== undefined && spec.policies.length === 0 ? ALLOW : DENY;
}

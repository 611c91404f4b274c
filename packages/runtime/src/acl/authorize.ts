/**
 * @module acl/authorize
 * Decides whether a caller may invoke a (normalised) method with an HTTP verb, exactly as daprd's
 * `isOperationAllowedByAccessControlPolicy` does (dapr/dapr `pkg/acl/acl.go`):
 * 1. no list → allow;
 * 2. start from the global default; no caller identity, no policy for the caller's app id and
 *    namespace, or a policy whose trust domain or namespace differs → the global default;
 * 3. a policy's own defaultAction (when set) replaces the global one;
 * 4. the operation that governs the method (acl/trie.ts) decides: its action for the exact verb, else
 *    for `*`, else the default so far; a verb daprd does not know falls back to the policy's default.
 * Actions compare case-insensitively; anything but `allow` denies.
 */
import type { PeerIdentity } from '../security/peer-identity';
import { ALLOW, policyKey, type AccessControlList } from './policy';
import { operationKey } from './normalize';

/** The verbs of daprd's HTTPExtension (a policy lists them in this spelling). */
const KNOWN_VERBS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export interface AclDecision {
  allowed: boolean;
  /** Which default decided, for logs and metrics: the app policy's or the global one. */
  by: 'app' | 'global';
}

export function authorize(acl: AccessControlList | undefined, caller: PeerIdentity | undefined, method: string, verb: string): AclDecision {
  if (!acl) return { allowed: true, by: 'global' };
  let action = acl.defaultAction;
  let by: AclDecision['by'] = 'global';
  if (!caller || !caller.appId) return decide(action, by);
  const policy = acl.policies.get(policyKey(caller.appId, caller.namespace));
  if (!policy || policy.trustDomain !== caller.trustDomain || policy.namespace !== caller.namespace) return decide(action, by);
  if (policy.defaultAction !== '') {
    action = policy.defaultAction;
    by = 'app';
  }
  const rule = policy.operations.search(operationKey(method, acl.httpApp));
  if (rule) {
    if (!acl.httpApp) action = rule.action;
    else if (KNOWN_VERBS.has(verb)) action = rule.verbs.get(verb) ?? rule.verbs.get('*') ?? action;
    else action = policy.defaultAction;
  }
  return decide(action, by);
}

function decide(action: string, by: AclDecision['by']): AclDecision {
  return { allowed: action.toLowerCase() === ALLOW, by };
}

/** The caller as daprd names it in a denial: its SPIFFE id. */
export function spiffeId(caller: PeerIdentity | undefined): string {
  if (!caller || !caller.appId) return '';
  return `spiffe://${caller.trustDomain}/ns/${caller.namespace}/${caller.appId}`;
}

import type { AccessControlSpec } from '../config/access-control';
import type { PeerIdentity } from '../security/peer-identity';
import { authorize, spiffeId } from './authorize';
import { compileAccessControl } from './policy';

const caller = (appId = 'checkout', namespace = 'default', trustDomain = 'public'): PeerIdentity => ({ appId, namespace, trustDomain, verified: false });

const spec: AccessControlSpec = {
  defaultAction: 'allow',
  trustDomain: 'public',
  policies: [
    {
      appId: 'checkout',
      namespace: 'default',
      trustDomain: 'public',
      defaultAction: 'deny',
      operations: [
        { name: '/orders/*', httpVerb: ['GET', 'POST'], action: 'allow' },
        { name: 'admin', httpVerb: ['*'], action: 'deny' },
        { name: '/public', httpVerb: ['*'], action: 'allow' },
        { name: '/reports', httpVerb: ['GET'], action: 'Allow' },
      ],
    },
    { appId: 'audit', namespace: 'default', trustDomain: 'public', operations: [{ name: '/admin', httpVerb: ['GET'], action: 'deny' }] },
  ],
};
const acl = compileAccessControl(spec);
const allowed = (method: string, verb = 'GET', who: PeerIdentity | undefined = caller()) => authorize(acl, who, method, verb).allowed;

describe('authorize', () => {
  it('allows everything without a list', () => {
    expect(authorize(undefined, undefined, 'anything', 'GET')).toEqual({ allowed: true, by: 'global' });
    expect(compileAccessControl(undefined)).toBeUndefined();
    expect(compileAccessControl({})).toBeUndefined();
    expect(compileAccessControl({ policies: [] })).toBeUndefined();
  });

  it('applies the operation rule for the verb, then *, then the app default', () => {
    expect(allowed('orders/1')).toBe(true);
    expect(allowed('orders/1', 'POST')).toBe(true);
    expect(allowed('orders/1', 'DELETE')).toBe(false);
    expect(allowed('orders')).toBe(true);
    expect(allowed('public/anything/below', 'PATCH')).toBe(true);
    expect(allowed('reports')).toBe(true);
    expect(allowed('reports', 'POST')).toBe(false);
    expect(allowed('elsewhere')).toBe(false);
    expect(authorize(acl, caller(), 'elsewhere', 'GET').by).toBe('app');
  });

  it('compares HTTP operation names case-insensitively and prefixes a /', () => {
    expect(allowed('PUBLIC')).toBe(true);
    expect(allowed('Admin', 'GET')).toBe(false);
    expect(allowed('/orders/1')).toBe(true);
  });

  it('falls back to the policy default for a verb daprd does not know', () => {
    expect(allowed('public', 'PROPFIND')).toBe(false);
  });

  it('uses the global default without an identity, for other apps, trust domains and namespaces', () => {
    expect(authorize(acl, undefined, 'admin', 'GET').allowed).toBe(true);
    expect(allowed('admin', 'GET', caller(''))).toBe(true);
    expect(allowed('admin', 'GET', caller('someone-else'))).toBe(true);
    expect(allowed('admin', 'GET', caller('checkout', 'default', 'other-domain'))).toBe(true);
    expect(allowed('admin', 'GET', caller('checkout', 'prod'))).toBe(true);
    expect(authorize(acl, caller('x'), 'admin', 'GET').by).toBe('global');
  });

  it('keeps the global default when the app policy has none', () => {
    expect(allowed('admin', 'GET', caller('audit'))).toBe(false);
    expect(allowed('admin', 'POST', caller('audit'))).toBe(true);
    expect(allowed('other', 'GET', caller('audit'))).toBe(true);
  });

  it('defaults to deny when policies are listed without a global default, allow for an empty list', () => {
    const listed = compileAccessControl({ policies: spec.policies });
    expect(listed?.defaultAction).toBe('deny');
    expect(authorize(listed, caller('stranger'), 'x', 'GET').allowed).toBe(false);
    expect(compileAccessControl({ trustDomain: 'public' })?.defaultAction).toBe('deny');
    expect(compileAccessControl({ trustDomain: 'public', policies: [] })?.defaultAction).toBe('allow');
    expect(compileAccessControl({ defaultAction: 'DENY' })?.defaultAction).toBe('deny');
  });

  it('denies for any action that is not allow', () => {
    const odd = compileAccessControl({ defaultAction: 'permit' });
    expect(authorize(odd, caller(), 'x', 'GET').allowed).toBe(false);
  });

  it('matches by operation only (case-sensitive) when the app does not speak HTTP', () => {
    const grpc = compileAccessControl(spec, false);
    expect(authorize(grpc, caller(), 'orders/1', 'NONE').allowed).toBe(true);
    expect(authorize(grpc, caller(), 'ORDERS/1', 'NONE').allowed).toBe(false);
  });

  it('lets a later policy for the same app and namespace replace an earlier one', () => {
    const twice = compileAccessControl({
      defaultAction: 'deny',
      policies: [
        { appId: 'a', namespace: 'default', trustDomain: 'public', defaultAction: 'deny' },
        { appId: 'a', namespace: 'default', trustDomain: 'public', defaultAction: 'allow' },
      ],
    });
    expect(authorize(twice, caller('a'), 'x', 'GET').allowed).toBe(true);
  });

  it('names the caller by its SPIFFE id', () => {
    expect(spiffeId(caller())).toBe('spiffe://public/ns/default/checkout');
    expect(spiffeId(undefined)).toBe('');
  });
});

/**
 * Encoded method variants for the access-control matrix: each raw method (as sent after
 * `/v1.0/invoke/callee/method/`) with the method daprd would make of it (decode, path.Clean, strip
 * leading `../`), written out by hand, or null when daprd refuses it (500). Cases from dapr/dapr
 * `tests/integration/suite/daprd/serviceinvocation/http/reservedchars/{acl,aclbypass,pathcorrectness}.go`
 * and the Cure53 DAP-02-013 bypasses, plus case, trailing-dot, double-slash and double-encoding forms.
 */
export interface Variant {
  raw: string;
  /** The normalised method, or null when the call is refused before any policy (500). */
  method: string | null;
  /** The URL the app receives when allowed (default `/<method>`). */
  appUrl?: string;
  verb?: string;
}

export const VARIANTS: Variant[] = [
  // aclbypass.go: each must be judged as `unauthorized`
  { raw: 'public', method: 'public' },
  { raw: 'unauthorized', method: 'unauthorized' },
  { raw: 'admin', method: 'admin' },
  { raw: 'public%23/../unauthorized', method: 'unauthorized' },
  { raw: 'public%3F/../unauthorized', method: 'unauthorized' },
  { raw: 'public%23/../../unauthorized', method: 'unauthorized' },
  { raw: 'public/sub%23/../../unauthorized', method: 'unauthorized' },
  { raw: 'public%2F..%2Funauthorized', method: 'unauthorized' },
  { raw: 'public%0D/../unauthorized', method: 'unauthorized' },
  { raw: 'public%25/../unauthorized', method: 'unauthorized' },
  // acl.go
  { raw: 'public%23../../admin', method: 'admin' },
  { raw: 'admin%3Fignored', method: null },
  { raw: 'admin%25stream', method: 'admin%stream' },
  { raw: 'admin%22stream', method: 'admin"stream', appUrl: '/admin%22stream' },
  { raw: 'admin%2Astream', method: 'admin*stream' },
  { raw: 'admin%5Cstream', method: 'admin\\stream', appUrl: '/admin%5Cstream' },
  { raw: 'admin%2F..%2Fpublic', method: 'public' },
  { raw: 'admin%2F..%2F..%2Fpublic', method: 'public' },
  { raw: 'admin%2Fsecret%2F..%2F..%2Fpublic', method: 'public' },
  { raw: 'admin%5C..%5Cpublic', method: 'admin\\..\\public', appUrl: '/admin%5C..%5Cpublic' },
  { raw: 'admin%2F..%5C..%2Fpublic', method: 'admin/..\\../public', appUrl: '/admin/..%5C../public' },
  { raw: '..%2Fpublic', method: 'public' },
  { raw: 'admin%00public', method: null },
  { raw: 'admin%23%3F%25bypass', method: null },
  { raw: 'public%23%2F..%2Fadmin', method: 'admin' },
  { raw: 'public%3F%2F..%2Fadmin', method: 'admin' },
  { raw: 'public%23%2F..%2F..%2Fsecret%2Fadmin', method: 'secret/admin' },
  { raw: 'public%23%00%2F..%2Fadmin', method: 'admin' },
  { raw: 'public%25%2F..%2Fadmin', method: 'admin' },
  { raw: 'public#../../admin', method: 'admin' },
  { raw: 'admin?bypass', method: 'admin', appUrl: '/admin?bypass' },
  { raw: 'admin"stream', method: 'admin"stream', appUrl: '/admin%22stream' },
  { raw: 'admin*stream', method: 'admin*stream' },
  { raw: 'admin\\stream', method: 'admin\\stream', appUrl: '/admin%5Cstream' },
  { raw: 'public///extra', method: 'public/extra' },
  { raw: 'public%2F..%2Fpublic', method: 'public' },
  { raw: 'a%2Fb%2Fc%2F..%2F..%2F..%2Fpublic', method: 'public' },
  // pathcorrectness.go: refused characters
  { raw: 'test%23stream', method: null },
  { raw: 'test%3Fstream', method: null },
  { raw: 'test%00stream', method: null },
  { raw: 'test%0Dstream', method: null },
  { raw: 'a%23b%3Fc%25d', method: null },
  // DAP-02-013 and case
  { raw: 'PUBLIC', method: 'PUBLIC' },
  { raw: 'Admin', method: 'Admin' },
  { raw: 'ADMIN/sub', method: 'ADMIN/sub' },
  { raw: 'unAuthoriZed', method: 'unAuthoriZed' },
  { raw: 'neworder/../admin', method: 'admin' },
  { raw: '../admin', method: 'admin' },
  { raw: '../../admin', method: 'admin' },
  { raw: '%2E%2E/admin', method: 'admin' },
  { raw: '%2e%2e%2fadmin', method: 'admin' },
  { raw: 'public/%2e%2e/admin', method: 'admin' },
  { raw: '%2Fadmin', method: 'admin' },
  // double encoding: decoded once, never twice (a literal % is not sent on to the app)
  { raw: 'admi%256e', method: 'admi%6e' },
  { raw: '%2561dmin', method: '%61dmin' },
  // trailing dots and slashes, double slashes
  { raw: 'admin.', method: 'admin.' },
  { raw: 'admin/.', method: 'admin' },
  { raw: 'admin/..', method: '', appUrl: '/' },
  { raw: 'public.', method: 'public.' },
  { raw: 'public/', method: 'public' },
  { raw: '/admin', method: 'admin' },
  { raw: 'admin//', method: 'admin' },
  // segment boundaries, escaping to the app, query and fragment, verbs
  { raw: 'publicadmin', method: 'publicadmin' },
  { raw: 'public%2Fadmin', method: 'public/admin' },
  { raw: 'caf%C3%A9', method: 'café', appUrl: '/caf%C3%A9' },
  { raw: 'public/a%20b', method: 'public/a b', appUrl: '/public/a%20b' },
  { raw: 'public?x=1#frag', method: 'public', appUrl: '/public?x=1' },
  { raw: 'reports', method: 'reports', verb: 'GET' },
  { raw: 'reports', method: 'reports', verb: 'POST' },
  { raw: 'reports/2024', method: 'reports/2024', verb: 'DELETE' },
];

/** The Configuration on the callee: `restricted` may call /public (any verb) and GET /reports; `open` anything but /admin and /unauthorized. */
export const ACL_CONFIG = `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: acl}
spec:
  accessControl:
    defaultAction: deny
    trustDomain: public
    policies:
    - appId: restricted
      defaultAction: deny
      trustDomain: public
      namespace: default
      operations:
      - {name: /public, httpVerb: ['*'], action: allow}
      - {name: /reports, httpVerb: [GET], action: allow}
    - appId: open
      defaultAction: allow
      trustDomain: public
      namespace: default
      operations:
      - {name: /admin, httpVerb: ['*'], action: deny}
      - {name: /unauthorized, httpVerb: ['*'], action: deny}
`;

const under = (m: string, op: string) => m === op || m.startsWith(op + '/');

/** The policies above, restated by hand (operation names compare case-insensitively for HTTP apps). */
export function expectedAllowed(caller: string, method: string, verb: string): boolean {
  const m = method.toLowerCase();
  if (caller === 'restricted') return under(m, 'public') || (under(m, 'reports') && verb === 'GET');
  if (caller === 'open') return !under(m, 'admin') && !under(m, 'unauthorized');
  return false; // no policy: the global default (deny)
}

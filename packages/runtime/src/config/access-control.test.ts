import { parseAccessControl, readAccessControl, type ParseIssues } from './access-control';

const parse = (raw: unknown) => {
  const issues: ParseIssues = { errors: [], warnings: [] };
  return { spec: parseAccessControl(raw, 'cfg.yaml', issues), ...issues };
};

describe('parseAccessControl', () => {
  it('reads the documented shape', () => {
    const r = parse({
      defaultAction: 'deny',
      trustDomain: 'public',
      policies: [{ appId: 'checkout', defaultAction: 'allow', trustDomain: 'public', namespace: 'default', operations: [{ name: '/orders/*', httpVerb: ['POST', 'GET'], action: 'allow' }] }],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.spec).toEqual({
      defaultAction: 'deny',
      trustDomain: 'public',
      policies: [{ appId: 'checkout', defaultAction: 'allow', trustDomain: 'public', namespace: 'default', operations: [{ name: '/orders/*', httpVerb: ['POST', 'GET'], action: 'allow' }] }],
    });
  });

  it('tells a missing policy list from an empty one', () => {
    expect(parse({ trustDomain: 'public' }).spec?.policies).toBeUndefined();
    expect(parse({ trustDomain: 'public', policies: [] }).spec?.policies).toEqual([]);
    expect(parse(undefined).spec).toBeUndefined();
  });

  it('requires appId, namespace and trustDomain on every policy, naming the field', () => {
    const r = parse({ policies: [{ appId: 'a' }, { namespace: 'n', trustDomain: 't' }] });
    expect(r.errors).toEqual([
      'cfg.yaml: field "spec.accessControl.policies[0].namespace" is required (daprd refuses an access control policy without it)',
      'cfg.yaml: field "spec.accessControl.policies[0].trustDomain" is required (daprd refuses an access control policy without it)',
      'cfg.yaml: field "spec.accessControl.policies[1].appId" is required (daprd refuses an access control policy without it)',
    ]);
  });

  it('refuses shapes it cannot read', () => {
    expect(parse('deny').errors[0]).toMatch(/"spec.accessControl" must be a mapping/);
    expect(parse({ policies: {} }).errors[0]).toMatch(/"spec.accessControl.policies" must be a list/);
    expect(parse({ policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', operations: 'x' }] }).errors[0]).toMatch(/operations" must be a list/);
    expect(parse({ defaultAction: { a: 1 } }).errors[0]).toMatch(/"spec.accessControl.defaultAction" must be a string/);
  });

  it('warns about values daprd silently treats as deny or never matches', () => {
    const r = parse({
      defaultAction: 'alow',
      policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', operations: [{ name: '/x', httpVerb: ['get', 'PSOT', 'GET'], action: 'permit' }, { name: '', action: '' }] }],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'cfg.yaml: field "spec.accessControl.defaultAction" is "alow", which is neither allow nor deny: it denies',
      'cfg.yaml: field "spec.accessControl.policies[0].operations[0].action" is "permit", which is neither allow nor deny: it denies',
      'cfg.yaml: field "spec.accessControl.policies[0].operations[0].httpVerb" lists "get", which matches no call (verbs compare case-sensitively); did you mean "GET"?',
      'cfg.yaml: field "spec.accessControl.policies[0].operations[0].httpVerb" lists "PSOT", which matches no call (verbs compare case-sensitively); did you mean "POST"?',
      'cfg.yaml: field "spec.accessControl.policies[0].operations[1].name" is empty: the operation matches only a call to the empty method',
      'cfg.yaml: field "spec.accessControl.policies[0].operations[1].action" is missing: a matching call is denied',
    ]);
  });

  it('readAccessControl throws the errors as one ConfigError and hands back the warnings', () => {
    const warnings: string[] = [];
    expect(() => readAccessControl({ policies: [{}] }, 'cfg.yaml', warnings)).toThrow(/policies\[0\]\.appId" is required/);
    expect(readAccessControl({ defaultAction: 'nope' }, 'cfg.yaml', warnings)).toEqual({ defaultAction: 'nope', trustDomain: undefined });
    expect(warnings).toHaveLength(1);
  });
});

import { isSecretAllowed, parseSecretScopes, type SecretScope } from './scopes';

function scopes(...list: Array<Partial<SecretScope> & { storeName: string }>): Map<string, SecretScope> {
  return new Map(list.map((s) => [s.storeName, { defaultAccess: 'allow', allowedSecrets: [], deniedSecrets: [], ...s }]));
}

describe('isSecretAllowed', () => {
  it('allows everything without a scope for the store', () => {
    expect(isSecretAllowed(undefined, 's', 'k')).toBe(true);
    expect(isSecretAllowed(scopes({ storeName: 'other', defaultAccess: 'deny' }), 's', 'k')).toBe(true);
  });

  it('lets a non-empty allow list decide alone', () => {
    const sc = scopes({ storeName: 's', defaultAccess: 'allow', allowedSecrets: ['a'], deniedSecrets: ['a', 'b'] });
    expect(isSecretAllowed(sc, 's', 'a')).toBe(true);
    expect(isSecretAllowed(sc, 's', 'c')).toBe(false);
  });

  it('then the deny list, then defaultAccess', () => {
    const allow = scopes({ storeName: 's', deniedSecrets: ['db'] });
    expect(isSecretAllowed(allow, 's', 'db')).toBe(false);
    expect(isSecretAllowed(allow, 's', 'x')).toBe(true);
    const deny = scopes({ storeName: 's', defaultAccess: 'deny' });
    expect(isSecretAllowed(deny, 's', 'x')).toBe(false);
  });
});

describe('parseSecretScopes', () => {
  it('reads every field and normalises defaultAccess', () => {
    const into = new Map<string, SecretScope>();
    const issues: string[] = [];
    parseSecretScopes([{ storeName: 'a', defaultAccess: 'DENY', allowedSecrets: ['x', 1] }, { storeName: 'b' }], 'c.yaml', into, issues);
    expect(issues).toEqual([]);
    expect(into.get('a')).toEqual({ storeName: 'a', defaultAccess: 'deny', allowedSecrets: ['x', '1'], deniedSecrets: [] });
    expect(into.get('b')?.defaultAccess).toBe('allow');
  });

  it('names the file and the field of every problem', () => {
    const issues: string[] = [];
    parseSecretScopes(
      [{ storeName: 'a' }, { storeName: 'a' }, { defaultAccess: 'allow' }, { storeName: 'c', defaultAccess: 'maybe' }, { storeName: 'd', deniedSecrets: 'x' }, 'str'],
      'c.yaml',
      new Map(),
      issues,
    );
    expect(issues).toEqual([
      'c.yaml: field "spec.secrets.scopes[1].storeName": "a" storeName is repeated in secrets configuration',
      'c.yaml: field "spec.secrets.scopes[2].storeName" is required',
      'c.yaml: field "spec.secrets.scopes[3].defaultAccess": defaultAccess "maybe" can be either allow or deny',
      'c.yaml: field "spec.secrets.scopes[4].deniedSecrets" must be a list of secret names',
      'c.yaml: field "spec.secrets.scopes[5]" must be a mapping',
    ]);
    const notList: string[] = [];
    parseSecretScopes({ storeName: 'a' }, 'c.yaml', new Map(), notList);
    expect(notList[0]).toMatch(/field "spec\.secrets\.scopes" must be a list/);
  });
});

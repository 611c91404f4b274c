import { globMatch, OperationTrie } from './trie';

function trie(...ops: string[]): OperationTrie<string> {
  const t = new OperationTrie<string>();
  for (const op of ops) t.put(op, op);
  return t;
}

describe('OperationTrie (daprd acl_trie semantics)', () => {
  it('matches an operation and every path below it', () => {
    const t = trie('/public');
    expect(t.search('/public')).toBe('/public');
    expect(t.search('/public/extra')).toBe('/public');
    expect(t.search('/publicx')).toBeUndefined();
    expect(t.search('/admin')).toBeUndefined();
    expect(t.search('/')).toBeUndefined();
  });

  it('/* matches one more segment and the parent, /** any number', () => {
    const one = trie('/orders/*');
    expect(one.search('/orders/1')).toBe('/orders/*');
    expect(one.search('/orders')).toBe('/orders/*');
    expect(one.search('/orders/1/items')).toBeUndefined();
    const any = trie('/orders/**');
    expect(any.search('/orders/1/items/2')).toBe('/orders/**');
    expect(any.search('/orders/1')).toBe('/orders/**');
  });

  it('a * inside a segment matches any run of characters', () => {
    const t = trie('/ord*', '/a/*/c');
    expect(t.search('/orders')).toBe('/ord*');
    expect(t.search('/ord')).toBe('/ord*');
    expect(t.search('/orders/deep')).toBe('/ord*');
  });

  it('a /* in the middle of an operation never matches (a daprd quirk, kept)', () => {
    const t = trie('/a/*/c');
    expect(t.search('/a/b/c')).toBeUndefined();
    expect(t.search('/a/*/c')).toBe('/a/*/c');
  });

  it('tries children in the order listed and keeps the first of duplicates', () => {
    expect(trie('/**', '/admin').search('/admin')).toBe('/**');
    expect(trie('/admin', '/**').search('/admin')).toBe('/admin');
    const t = new OperationTrie<string>();
    t.put('/x', 'first');
    t.put('/x', 'second');
    expect(t.search('/x')).toBe('first');
  });

  it('a literal * in the called method matches like any other segment', () => {
    expect(trie('/admin').search('/admin*stream')).toBeUndefined();
    expect(trie('/admin*').search('/admin*stream')).toBe('/admin*');
  });
});

describe('globMatch', () => {
  it.each([
    ['/orders', '/ord*', true],
    ['/orders', '/*s', true],
    ['/orders', '/o*d*s', true],
    ['/orders', '/ord', false],
    ['', '*', true],
    ['', '', true],
    ['a', '', false],
    ['/x', '/x*', true],
  ])('%j against %j -> %j', (text, pattern, out) => expect(globMatch(text, pattern)).toBe(out));
});

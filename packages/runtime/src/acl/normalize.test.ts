import { decodePath } from '../invoke/method';
import { cleanPath, forwardableQuery, InvalidMethodError, methodToPath, normaliseMethod, operationKey } from './normalize';

const viaDapr = (raw: string) => normaliseMethod(decodePath(raw) as string);

describe('cleanPath (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['a/b/', 'a/b'],
    ['a//b/./c', 'a/b/c'],
    ['../x', '../x'],
    ['a/../../x', '../x'],
    ['/../x', '/x'],
    ['/', '/'],
    ['.', '.'],
    ['x/..', '.'],
  ])('%j -> %j', (input, out) => expect(cleanPath(input)).toBe(out));
});

describe('normaliseMethod', () => {
  it.each([
    ['neworder', 'neworder'],
    ['orders/1/items', 'orders/1/items'],
    ['neworder/../neworder', 'neworder'],
    ['../neworder', 'neworder'],
    ['../../x', 'x'],
    ['admin/../public', 'public'],
    ['a//b/./c', 'a/b/c'],
    ['/a//b/./c/../d', 'a/b/d'],
    ['a/b/', 'a/b'],
    ['public///extra', 'public/extra'],
    ['', ''],
    ['.', ''],
    ['..', ''],
    ['admin.', 'admin.'],
    ['admin/.', 'admin'],
    ['with"quote*star\\back', 'with"quote*star\\back'],
    ['ünïcode/ok', 'ünïcode/ok'],
    ['a b', 'a b'],
    ['100%', '100%'],
  ])('%j -> %j', (input, out) => expect(normaliseMethod(input)).toBe(out));

  it.each(['admin#x', 'admin?x', 'a\rb', 'a\nb', 'nul\u0000', 'del\u007f'])('refuses %j', (input) =>
    expect(() => normaliseMethod(input)).toThrow(InvalidMethodError),
  );

  it('cleans before it looks for reserved characters, like daprd (GHSA-85gx-3qv6-4463 cases)', () => {
    for (const raw of ['public%23/../unauthorized', 'public%3F/../unauthorized', 'public%23/../../unauthorized', 'public/sub%23/../../unauthorized', 'public%2F..%2Funauthorized', 'public%0D/../unauthorized', 'public%25/../unauthorized']) {
      expect(viaDapr(raw)).toBe('unauthorized');
    }
    expect(viaDapr('admin%2F..%2Fpublic')).toBe('public');
    expect(viaDapr('a%2Fb%2Fc%2F..%2F..%2F..%2Fpublic')).toBe('public');
    expect(viaDapr('public%23../../admin')).toBe('admin');
    expect(() => viaDapr('admin%3Fignored')).toThrow(InvalidMethodError);
    expect(() => viaDapr('admin%23%3F%25bypass')).toThrow(InvalidMethodError);
    expect(() => viaDapr('admin%00public')).toThrow(InvalidMethodError);
    expect(viaDapr('admin%25stream')).toBe('admin%stream');
    expect(viaDapr('admin%5C..%5Cpublic')).toBe('admin\\..\\public');
  });
});

describe('methodToPath', () => {
  it('escapes what a path cannot carry, so decoding gives the method back', () => {
    expect(methodToPath('a b')).toBe('/a%20b');
    expect(methodToPath('café')).toBe('/caf%C3%A9');
    expect(methodToPath('100%')).toBe('/100%25');
    expect(methodToPath('x"y\\z')).toBe('/x%22y%5Cz');
    expect(methodToPath("orders/1:sub@x;y=z*(ok)!'$&+,~")).toBe("/orders/1:sub@x;y=z*(ok)!'$&+,~");
    expect(methodToPath('')).toBe('/');
    for (const m of ['a b/ü/€/😀', 'x%y', '[a]{b}|c^`<>']) expect(decodeURIComponent(methodToPath(m))).toBe('/' + m);
  });
});

describe('forwardableQuery', () => {
  it('drops a fragment and an empty query', () => {
    expect(forwardableQuery('?x=1#frag')).toBe('?x=1');
    expect(forwardableQuery('?x=1')).toBe('?x=1');
    expect(forwardableQuery('?#frag')).toBe('');
    expect(forwardableQuery('?')).toBe('');
    expect(forwardableQuery('')).toBe('');
  });
});

describe('operationKey', () => {
  it('adds the leading slash and lower-cases for HTTP apps', () => {
    expect(operationKey('NewOrder', true)).toBe('/neworder');
    expect(operationKey('/NewOrder', false)).toBe('/NewOrder');
  });
});

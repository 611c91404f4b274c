import { isHeaderName, isHeaderValue } from './http-syntax';

describe('isHeaderName', () => {
  it('accepts HTTP tokens and refuses separators, spaces and the empty name', () => {
    expect(['X-Custom', "a!#$%&'*+.^_`|~9", 'content-type'].map(isHeaderName)).toEqual([true, true, true]);
    expect(['', 'a b', 'a:b', 'a\r\nb', 'é', '(x)'].map(isHeaderName)).toEqual([false, false, false, false, false, false]);
  });
});

describe('isHeaderValue', () => {
  it('accepts tabs, printable ASCII and Latin-1, refuses control characters and wider code points', () => {
    expect(['', 'a\tb', 'plain text', 'caf\xe9'].map(isHeaderValue)).toEqual([true, true, true, true]);
    expect(['a\r\nb', 'a\0', 'a\x7f', '€'].map(isHeaderValue)).toEqual([false, false, false, false]);
  });
});

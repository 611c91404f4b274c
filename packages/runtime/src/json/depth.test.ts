import { jsonTooDeep, MAX_JSON_DEPTH } from './depth';

const nest = (n: number, open = '[', close = ']', inner = ''): string => open.repeat(n) + inner + close.repeat(n);

describe('jsonTooDeep', () => {
  it('accepts up to the limit and refuses one level more, for arrays and objects', () => {
    expect(jsonTooDeep(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep(nest(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep('{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('scans 100k levels without recursion', () => {
    expect(jsonTooDeep(nest(100_000))).toBe(true);
  });

  it('ignores brackets inside strings, including after escaped quotes', () => {
    const s = JSON.stringify({ text: '['.repeat(5000) + '\\"' + '{'.repeat(5000) });
    expect(jsonTooDeep(s)).toBe(false);
    expect(jsonTooDeep(s, 2)).toBe(false);
    expect(jsonTooDeep('[[["x"]]]', 2)).toBe(true);
  });

  it('counts depth, not the number of siblings', () => {
    expect(jsonTooDeep(JSON.stringify(Array.from({ length: 5000 }, () => [1])), 2)).toBe(false);
  });
});

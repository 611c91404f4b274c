import { goMarshal } from './go-json';

describe('goMarshal', () => {
  it('writes JSON as Go json.Marshal does for decoded values', () => {
    expect(goMarshal('hi')).toBe('"hi"');
    expect(goMarshal(null)).toBe('null');
    expect(goMarshal(undefined)).toBe('null');
    expect(goMarshal(1.5)).toBe('1.5');
    expect(goMarshal(true)).toBe('true');
    expect(goMarshal({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(goMarshal('<a href="x">&</a>\u2028')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\u2028"');
    expect(goMarshal({ 'é<': 'ü' })).toBe('{"é\\u003c":"ü"}');
  });
});

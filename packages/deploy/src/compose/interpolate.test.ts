import { interpolate, interpolateTree } from './interpolate';

describe('interpolate', () => {
  const env = { SET: 'value', EMPTY: '' };

  it('replaces $VAR and ${VAR}, and turns $$ into a literal $', () => {
    expect(interpolate('a $SET ${SET} $$SET $$', env)).toBe('a value value $SET $');
  });

  it('applies :- and - defaults the way compose does', () => {
    expect(interpolate('${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|${UNSET:-d}', env)).toBe('d||d|d');
  });

  it('fails on a missing required variable, naming where', () => {
    expect(() => interpolate('${UNSET:?set it}', env, 'services.a.image')).toThrow('services.a.image: required variable UNSET is missing: set it');
  });

  it('interpolates string values of a tree and leaves keys and other scalars alone', () => {
    expect(interpolateTree({ $SET: ['$SET', 3, true], n: null }, env)).toEqual({ $SET: ['value', 3, true], n: null });
  });
});

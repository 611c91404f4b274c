import { asObject, goField, goFieldKey } from './go-fields';

const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('goField: struct fields as Go encoding/json reads them', () => {
  it('reads the exact spelling', () => {
    expect(goField(parse('{"entryId":"1"}'), 'entryId')).toBe('1');
  });

  it.each(['entryID', 'ENTRYID', 'entryid', 'EntryId'])('matches %s case-insensitively', (spelling) => {
    expect(goField(parse(`{"${spelling}":"1"}`), 'entryId')).toBe('1');
    expect(goFieldKey(parse(`{"${spelling}":"1"}`), 'entryId')).toBe(spelling);
  });

  it('prefers the exact spelling wherever it appears', () => {
    expect(goField(parse('{"Key":"folded","key":"exact"}'), 'key')).toBe('exact');
    expect(goField(parse('{"key":"exact","KEY":"folded"}'), 'key')).toBe('exact');
  });

  it('takes the last of several non-exact spellings (Go assigns each in turn)', () => {
    expect(goField(parse('{"Key":"first","KEY":"last"}'), 'key')).toBe('last');
  });

  it('folds the non-ASCII letters Go folds onto ASCII (long s, Kelvin sign) and nothing else', () => {
    expect(goField({ ['\u017ftatus']: 'S' }, 'status')).toBe('S');
    expect(goField({ ['\u212aey']: 'K' }, 'key')).toBe('K');
    expect(goField({ ['ke\u00fd']: 'x' }, 'key')).toBeUndefined();
  });

  it('matches non-letters only exactly', () => {
    expect(goField(parse('{"entry_id":"1","entryI":"2","entryIdd":"3"}'), 'entryId')).toBeUndefined();
    expect(goField(parse('{"maxAwaitDurationMS":5}'), 'maxAwaitDurationMs')).toBe(5);
  });

  it('is undefined when absent and never reads inherited properties', () => {
    expect(goField({}, 'key')).toBeUndefined();
    expect(goField({}, 'constructor')).toBeUndefined();
    expect(goFieldKey({}, 'toString')).toBeUndefined();
  });

  it('keeps the keys of map values as sent', () => {
    expect(goField(parse('{"Metadata":{"TTLInSeconds":"5"}}'), 'metadata')).toEqual({ TTLInSeconds: '5' });
  });

  it('treats only JSON objects as structs', () => {
    expect(asObject({ a: 1 })).toEqual({ a: 1 });
    expect(asObject([])).toBeUndefined();
    expect(asObject(null)).toBeUndefined();
    expect(asObject('x')).toBeUndefined();
  });
});

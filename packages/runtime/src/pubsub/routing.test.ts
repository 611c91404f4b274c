import { compileMatch, RuleSyntaxError } from './routing';

const event = { type: 'order', source: 'shop', data: { amount: 150, tier: 'gold', nested: { ok: true } }, tags: ['a'] };

describe('compileMatch (CEL subset)', () => {
  it.each([
    ['event.type == "order"', true],
    ["event.type == 'order'", true],
    ['event.type != "order"', false],
    ['event.data.amount > 100', true],
    ['event.data.amount >= 150', true],
    ['event.data.amount < 150', false],
    ['event.data.amount <= 150.0', true],
    ['event.data.amount > -1', true],
    ['event.data.nested.ok == true', true],
    ['event.data.nested.ok', true],
    ['!event.data.nested.ok', false],
    ['event.type == "order" && event.data.tier == "gold"', true],
    ['event.type == "refund" || event.data.tier == "gold"', true],
    ['!(event.type == "order")', false],
    ['(event.type == "order" || false) && event.data.amount > 200', false],
    ['event.data.tier in ["gold", "silver"]', true],
    ['"amount" in event.data', true],
    ['event["type"] == "order"', true],
    ['event.data.missing == "x"', false],
    ['event.data.missing != "x"', false],
    ['event.data.tier > 5', false],
    ['event.data.missing.deeper == 1', false],
  ])('%s → %s', (expr, expected) => {
    expect(compileMatch(expr)(event)).toBe(expected);
  });

  it('treats an empty expression as always true', () => {
    expect(compileMatch('')(event)).toBe(true);
    expect(compileMatch('  ')({})).toBe(true);
  });

  it('copes with non-object events', () => {
    expect(compileMatch('event.type == "x"')(null)).toBe(false);
    expect(compileMatch('event.type == "x"')('text')).toBe(false);
  });

  it.each([
    'event.type = "order"',
    'size(event.data) > 1',
    'event.type.startsWith("o")',
    'other.type == "x"',
    'event.type == "unterminated',
    'event.type == ',
    '(event.type == "a"',
    'event.type == "a" event',
    'a < b < c',
    'event.type ? 1 : 2',
    'event.type == "\\q"',
  ])('rejects %s', (expr) => {
    expect(() => compileMatch(expr)).toThrow(RuleSyntaxError);
  });
});

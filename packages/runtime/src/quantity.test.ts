import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['4Mi', 4194304],
    ['4Ki', 4096],
    ['512Mi', 536870912],
    ['1M', 1000000],
    ['1024', 1024],
  ])('%s is %d bytes', (text, bytes) => expect(parseQuantity(text)).toBe(bytes));

  it('rejects nonsense', () => {
    expect(parseQuantity('4 megs')).toBeUndefined();
    expect(parseQuantity('-1')).toBeUndefined();
  });
});

import { formatAge, formatDurationUs, formatPercent, shortId } from './format';

describe('format', () => {
  it('formats ages', () => {
    expect(formatAge(5)).toBe('5s');
    expect(formatAge(125)).toBe('2m 5s');
    expect(formatAge(3 * 3600 + 120)).toBe('3h 2m');
    expect(formatAge(2 * 86400 + 3600)).toBe('2d 1h');
    expect(formatAge(-1)).toBe('—');
  });
  it('formats durations from microseconds', () => {
    expect(formatDurationUs(850)).toBe('850µs');
    expect(formatDurationUs(12_345)).toBe('12.3ms');
    expect(formatDurationUs(1_250_000)).toBe('1.25s');
  });
  it('formats ratios and ids', () => {
    expect(formatPercent(0.25)).toBe('25.0%');
    expect(formatPercent(0.001)).toBe('0.10%');
    expect(shortId('0123456789abcdef')).toBe('01234567');
  });
});

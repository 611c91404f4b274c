import { ensureTraceparent } from './trace';

describe('ensureTraceparent', () => {
  it('propagates a valid incoming traceparent', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(ensureTraceparent(tp)).toBe(tp);
  });

  it('starts new, distinct traces for missing or invalid values, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const tp = ensureTraceparent(i % 2 ? undefined : 'garbage');
      expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      seen.add(tp);
    }
    expect(seen.size).toBe(1000);
  });
});

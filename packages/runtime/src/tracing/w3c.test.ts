import { formatTraceparent, formatTracestate, parseTraceparent } from './w3c';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('W3C trace context', () => {
  it('round-trips a sampled traceparent and its tracestate', () => {
    const sc = parseTraceparent(TP, 'congo=t61rcWkgMzE');
    expect(sc).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(formatTraceparent(sc!)).toBe(TP);
    expect(formatTracestate(sc!)).toBe('congo=t61rcWkgMzE');
  });

  it('keeps an unsampled flag', () => {
    expect(formatTraceparent(parseTraceparent(TP.replace(/-01$/, '-00'))!)).toBe(TP.replace(/-01$/, '-00'));
  });

  it('rejects malformed, all-zero and version ff values', () => {
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-b7ad6b7169203331-01`)).toBeUndefined();
    expect(parseTraceparent(`00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(TP.replace(/^00/, 'ff'))).toBeUndefined();
    expect(parseTraceparent(`${TP}-extra`)).toBeUndefined();
  });

  it('accepts a later version with extra fields', () => {
    expect(parseTraceparent(`${TP.replace(/^00/, '01')}-extra`)?.spanId).toBe('b7ad6b7169203331');
  });
});

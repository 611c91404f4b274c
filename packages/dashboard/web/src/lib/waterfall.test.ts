import type { ZipkinSpan } from '../api/types';
import { axisTicks, buildWaterfall, serviceColour, spanHasError } from './waterfall';

const span = (id: string, parentId: string | undefined, timestamp: number, duration: number, service: string, tags?: Record<string, string>): ZipkinSpan => ({
  traceId: 't',
  id,
  parentId,
  timestamp,
  duration,
  name: id,
  localEndpoint: { serviceName: service },
  tags,
});

describe('buildWaterfall', () => {
  it('nests spans by parentId in start order with offsets from the first span', () => {
    const w = buildWaterfall([
      span('c2', 'a', 1300, 100, 'b'),
      span('a', undefined, 1000, 1000, 'a'),
      span('c1', 'a', 1100, 100, 'b'),
      span('g', 'c1', 1150, 10, 'c', { error: 'boom' }),
    ]);
    expect(w.rows.map((r) => [r.span.id, r.depth, r.offsetUs])).toEqual([
      ['a', 0, 0],
      ['c1', 1, 100],
      ['g', 2, 150],
      ['c2', 1, 300],
    ]);
    expect(w.durationUs).toBe(1000);
    expect(w.services).toEqual(['a', 'b', 'c']);
    expect(w.rows.find((r) => r.span.id === 'g')?.error).toBe(true);
  });
  it('keeps orphans and cycles as roots instead of dropping them', () => {
    const w = buildWaterfall([span('x', 'missing', 10, 5, 's'), span('p', 'q', 20, 1, 's'), span('q', 'p', 21, 1, 's')]);
    expect(w.rows).toHaveLength(3);
    expect(w.rows[0]!.span.id).toBe('x');
  });
  it('shows both halves of a shared span once each', () => {
    const w = buildWaterfall([span('a', undefined, 0, 10, 'x'), { ...span('a', undefined, 2, 5, 'y'), shared: true }, span('k', 'a', 3, 1, 'y')]);
    expect(w.rows.map((r) => r.span.id)).toEqual(['a', 'k', 'a']);
  });
});

describe('helpers', () => {
  it('detects errors from Zipkin and OpenTelemetry tags', () => {
    expect(spanHasError(span('a', undefined, 0, 1, 's', { 'otel.status_code': 'ERROR' }))).toBe(true);
    expect(spanHasError(span('a', undefined, 0, 1, 's', {}))).toBe(false);
  });
  it('gives a service the same colour every time', () => {
    expect(serviceColour('checkout')).toBe(serviceColour('checkout'));
    expect(serviceColour('checkout')).toMatch(/^#[0-9a-f]{6}$/);
  });
  it('picks round axis steps', () => {
    expect(axisTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(axisTicks(0)).toEqual([0]);
  });
});

import { linePath } from './chart';

describe('linePath', () => {
  it('maps the first and last points to the edges and the maximum to the top', () => {
    const g = linePath([{ t: 0, v: 0 }, { t: 5, v: 10 }, { t: 10, v: 5 }], 100, 50, 0);
    expect(g.points).toEqual([{ x: 0, y: 50 }, { x: 50, y: 0 }, { x: 100, y: 25 }]);
    expect(g.path).toBe('M0,50 L50,0 L100,25');
    expect(g.max).toBe(10);
  });
  it('keeps a flat zero line at the bottom and ignores NaN', () => {
    const g = linePath([{ t: 0, v: 0 }, { t: 1, v: NaN }, { t: 2, v: 0 }], 10, 10, 0);
    expect(g.points).toEqual([{ x: 0, y: 10 }, { x: 10, y: 10 }]);
  });
  it('returns nothing for no data', () => {
    expect(linePath([], 10, 10).path).toBe('');
  });
});

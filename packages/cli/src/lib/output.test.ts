import { formatAge, formatCreated, compactTimestamp } from './age';
import { captureOutput, lineSplitter, wholeLineWriter } from './output';
import { formatTable } from './table';

describe('lineSplitter', () => {
  it('emits whole lines across chunks, strips \\r, and flushes a trailing partial line', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('a\r\nb');
    s.push('c\n\nd');
    expect(lines).toEqual(['a', 'bc', '']);
    s.flush();
    expect(lines).toEqual(['a', 'bc', '', 'd']);
    s.flush();
    expect(lines).toHaveLength(4);
  });
});

it('captureOutput records lines per stream', () => {
  const o = captureOutput();
  o.out('x');
  o.err('y');
  o.raw('stdout', Buffer.from('z'));
  expect([o.stdout(), o.stderr()]).toEqual(['x\nz', 'y\n']);
});

describe('age and dates', () => {
  const t = new Date(2026, 4, 6, 7, 8, 9);
  it.each([
    [5, '5s'],
    [59, '59s'],
    [60, '1m'],
    [3599, '59m'],
    [3600, '1h'],
    [86400 * 3 + 5, '3d'],
  ])('%ss old is %s', (s, age) => expect(formatAge(t, new Date(t.getTime() + s * 1000))).toBe(age));
  it('formats CREATED like dapr/cli and log timestamps compactly', () => {
    expect(formatCreated(t)).toBe('2026-05-06 07:08.09');
    expect(compactTimestamp(t)).toBe('20260506070809');
  });
});

it('formatTable pads columns by two spaces and trims line ends', () => {
  expect(formatTable(['A', 'LONG HEADER', 'C'], [['xyz', '1', ''], ['', '22', 'end']])).toBe('A    LONG HEADER  C\nxyz  1\n     22           end');
});

describe('wholeLineWriter', () => {
  it('writes whole lines at once and holds a line whose newline has not come yet', () => {
    const written: string[] = [];
    const w = wholeLineWriter((b) => written.push(b.toString()), 10_000);
    w.push('Subscriber received: {"orderId":1}');
    expect(written).toEqual([]);
    w.push('\nnext ');
    w.push('line\nand a');
    expect(written).toEqual(['Subscriber received: {"orderId":1}\n', 'next line\n']);
    w.flush();
    expect(written).toEqual(['Subscriber received: {"orderId":1}\n', 'next line\n', 'and a']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const out: Buffer[] = [];
    const w = wholeLineWriter((b) => out.push(b), 10_000);
    const bytes = Buffer.from('caf\u00e9 \u2713\n');
    w.push(bytes.subarray(0, 4));
    w.push(bytes.subarray(4));
    expect(Buffer.concat(out).toString()).toBe('caf\u00e9 \u2713\n');
  });

  it('writes a partial line (a prompt) once no more output comes', async () => {
    const written: string[] = [];
    const w = wholeLineWriter((b) => written.push(b.toString()), 5);
    w.push('Name? ');
    const deadline = Date.now() + 2000;
    while (written.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(written).toEqual(['Name? ']);
  });
});

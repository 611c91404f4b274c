import { findForbiddenLines, isEmptyExpectation, joinOutputs, lineMatches, matchExpectedLines, MATCHED_EMPTY, missingLines, splitLines } from './match';

describe('lineMatches', () => {
  it('exact compares whole lines, ignoring trailing whitespace and CR', () => {
    expect(lineMatches('Order 41', 'Order 41', 'exact')).toBe(true);
    expect(lineMatches('Order 41', 'Order 41  \r', 'exact')).toBe(true);
    expect(lineMatches('Order 41', 'Got Order 41', 'exact')).toBe(false);
    expect(lineMatches('Order 41', ' Order 41', 'exact')).toBe(false);
  });

  it('substring accepts any line containing the expected text', () => {
    expect(lineMatches('Order 41', '== APP == Got Order 41!', 'substring')).toBe(true);
    expect(lineMatches('Order 42', '== APP == Got Order 41!', 'substring')).toBe(false);
  });
});

describe('splitLines / joinOutputs', () => {
  it('splits on LF and CRLF and keeps per-command boundaries when joining', () => {
    expect(splitLines('a\r\nb\n')).toEqual(['a', 'b', '']);
    // "foo" without a newline from one command does not merge with the next command's output
    expect(joinOutputs(['foo', 'bar\n'])).toEqual(['foo', 'bar', '']);
  });

  it('a lone CR ends a line too (Python universal newlines, as in mechanical-markdown)', () => {
    expect(splitLines('progress 50%\rdone\r\nnext\n')).toEqual(['progress 50%', 'done', 'next', '']);
  });
});

describe("matchExpectedLines: empty expected lines (`- ''`)", () => {
  it('are satisfied by any output, take no output line and are not ordered', () => {
    expect(matchExpectedLines(['', 'b', 'a'], ['b', 'a'], 'exact', 'sequential')).toMatchObject({ ok: true, indexes: [MATCHED_EMPTY, 0, 1] });
    expect(matchExpectedLines(['a', ''], ['a'], 'substring', 'sequential')).toMatchObject({ ok: true, indexes: [0, MATCHED_EMPTY] });
    // whitespace-only counts as empty in exact mode (trailing whitespace is ignored there)
    expect(matchExpectedLines(['  '], ['x'], 'exact', 'sequential').ok).toBe(true);
  });

  it('need some output: a step that ran no command has none, so they fail, as in mechanical-markdown', () => {
    expect(matchExpectedLines([''], [], 'exact', 'none')).toMatchObject({ ok: false, missing: [''] });
  });

  it('in substring mode only the empty string is empty; spaces must appear', () => {
    expect(isEmptyExpectation('', 'substring')).toBe(true);
    expect(isEmptyExpectation(' ', 'substring')).toBe(false);
    expect(isEmptyExpectation(' \t', 'exact')).toBe(true);
  });
});

describe('matchExpectedLines', () => {
  const out = ['start', 'A', 'B', 'A', 'end'];

  it('sequential order passes when the lines appear in the listed order', () => {
    expect(matchExpectedLines(['start', 'B', 'end'], out, 'exact', 'sequential')).toMatchObject({ ok: true, indexes: [0, 2, 4] });
  });

  it('sequential order fails when lines appear out of order; order none accepts it', () => {
    const seq = matchExpectedLines(['end', 'start'], out, 'exact', 'sequential');
    expect(seq).toMatchObject({ ok: false, outOfOrder: true, missing: [] });
    expect(matchExpectedLines(['end', 'start'], out, 'exact', 'none')).toMatchObject({ ok: true, outOfOrder: false });
  });

  it('each expected line consumes one output line, so duplicates must occur as often as listed', () => {
    expect(matchExpectedLines(['A', 'A'], out, 'exact', 'sequential')).toMatchObject({ ok: true, indexes: [1, 3] });
    const three = matchExpectedLines(['A', 'A', 'A'], out, 'exact', 'none');
    expect(three.ok).toBe(false);
    expect(three.missing).toEqual(['A']);
  });

  it('consumes the FIRST unmatched line (upstream semantics), which can make sequential order fail', () => {
    // B takes index 2, then A takes the first unconsumed A (index 1) -> indexes [2, 1] -> out of order
    expect(matchExpectedLines(['B', 'A'], out, 'exact', 'sequential')).toMatchObject({ ok: false, indexes: [2, 1], outOfOrder: true });
  });

  it('substring mode matches parts of lines and still consumes', () => {
    const lines = ['== APP == Order 1', '== APP == Order 2'];
    expect(matchExpectedLines(['Order', 'Order'], lines, 'substring', 'sequential').ok).toBe(true);
    expect(matchExpectedLines(['Order', 'Order', 'Order'], lines, 'substring', 'sequential').missing).toEqual(['Order']);
    expect(matchExpectedLines(['Order'], lines, 'exact', 'sequential').ok).toBe(false);
  });

  it('reports every missing line', () => {
    expect(matchExpectedLines(['x', 'A', 'y'], out, 'exact', 'none').missing).toEqual(['x', 'y']);
  });
});

describe('findForbiddenLines / missingLines', () => {
  it('names the forbidden line and the offending output line', () => {
    const hits = findForbiddenLines(['panic', 'fatal'], ['ok', 'goroutine panic: boom'], 'substring');
    expect(hits).toEqual([{ forbidden: 'panic', line: 'goroutine panic: boom', index: 1 }]);
    expect(findForbiddenLines(['panic'], ['goroutine panic: boom'], 'exact')).toEqual([]);
  });

  it('missingLines is order-insensitive and does not consume', () => {
    expect(missingLines(['b', 'a', 'a'], ['a', 'b'], 'exact')).toEqual([]);
    expect(missingLines(['ready', 'listening'], ['server ready'], 'substring')).toEqual(['listening']);
  });
});

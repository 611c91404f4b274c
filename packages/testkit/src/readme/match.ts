// Expected / forbidden / wait-for line matching, with mechanical-markdown semantics:
// every expected line consumes the first not-yet-consumed output line it matches, and in
// `sequential` order the consumed indexes must be ascending in the order the lines are listed.
// An empty expected line (`- ''`) is satisfied by any output and takes no line (see matchExpectedLines).

export type MatchMode = 'exact' | 'substring';
export type MatchOrder = 'sequential' | 'none';

/**
 * Splits captured output into lines. LF, CRLF and a lone CR all end a line, as in mechanical-markdown
 * (Python's universal newlines), so `progress\rdone` gives two lines. A trailing newline yields a
 * trailing empty line, as upstream.
 */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Concatenates the line lists of several captured outputs (one per command), as upstream does. */
export function joinOutputs(outputs: readonly string[]): string[] {
  const lines: string[] = [];
  for (const out of outputs) lines.push(...splitLines(out));
  return lines;
}

function trimEnd(s: string): string {
  return s.replace(/[\s\r]+$/u, '');
}

/** `exact`: the whole line equals the expected line (trailing whitespace/CR ignored); `substring`: the line contains it. */
export function lineMatches(expected: string, actual: string, mode: MatchMode): boolean {
  if (mode === 'substring') return actual.includes(expected);
  return trimEnd(actual) === trimEnd(expected);
}

/**
 * An expected line that is empty (`exact`: nothing but whitespace; `substring`: ''). mechanical-markdown
 * finds it in any output (split output always has an empty line, or the empty slot of a consumed one),
 * so it checks only that the step produced output at all.
 */
export function isEmptyExpectation(expected: string, mode: MatchMode): boolean {
  return mode === 'substring' ? expected === '' : trimEnd(expected) === '';
}

/** Index recorded for an empty expected line that was satisfied without taking an output line. */
export const MATCHED_EMPTY = -2;

export interface ExpectedMatch {
  ok: boolean;
  /**
   * For each expected line, the index of the output line it consumed, -1 when it was not found, or
   * MATCHED_EMPTY for an empty expected line (satisfied by any output, takes no line, not ordered).
   */
  indexes: number[];
  /** Expected lines for which no unconsumed output line matched. */
  missing: string[];
  /** True when match_order is sequential and the consumed indexes are not ascending. */
  outOfOrder: boolean;
}

export function matchExpectedLines(
  expected: readonly string[],
  output: readonly string[],
  mode: MatchMode,
  order: MatchOrder,
): ExpectedMatch {
  const consumed = new Array<boolean>(output.length).fill(false);
  const indexes: number[] = [];
  const missing: string[] = [];
  for (const want of expected) {
    if (isEmptyExpectation(want, mode)) {
      if (output.length > 0) indexes.push(MATCHED_EMPTY);
      else {
        indexes.push(-1);
        missing.push(want);
      }
      continue;
    }
    let found = -1;
    for (let i = 0; i < output.length; i++) {
      if (!consumed[i] && lineMatches(want, output[i] ?? '', mode)) {
        found = i;
        break;
      }
    }
    if (found >= 0) consumed[found] = true;
    else missing.push(want);
    indexes.push(found);
  }
  let outOfOrder = false;
  if (order === 'sequential') {
    const found = indexes.filter((i) => i >= 0);
    for (let i = 1; i < found.length; i++) {
      if ((found[i] ?? 0) < (found[i - 1] ?? 0)) outOfOrder = true;
    }
  }
  return { ok: missing.length === 0 && !outOfOrder, indexes, missing, outOfOrder };
}

export interface ForbiddenHit {
  forbidden: string;
  line: string;
  /** 0-based index into the output lines. */
  index: number;
}

/** Every (forbidden line, first offending output line) pair. */
export function findForbiddenLines(forbidden: readonly string[], output: readonly string[], mode: MatchMode): ForbiddenHit[] {
  const hits: ForbiddenHit[] = [];
  for (const bad of forbidden) {
    const index = output.findIndex((line) => lineMatches(bad, line, mode));
    if (index >= 0) hits.push({ forbidden: bad, line: output[index] ?? '', index });
  }
  return hits;
}

/** Lines from `wanted` that do not (yet) appear anywhere in `output` (order-insensitive, no consumption). */
export function missingLines(wanted: readonly string[], output: readonly string[], mode: MatchMode): string[] {
  return wanted.filter((want) => !output.some((line) => lineMatches(want, line, mode)));
}

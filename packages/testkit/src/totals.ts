/**
 * @module totals
 * When MINIDAPR_TEST_TOTALS names a file, every test run (jest, run-readme) appends one line
 * `<passed> <failed> <skipped> <label>` to it, so CI can print one closing `N passed, N failed` line.
 */
import { appendFileSync } from 'node:fs';

export function recordTotals(passed: number, failed: number, skipped: number, label = `run-readme ${process.cwd()}`): void {
  const file = process.env.MINIDAPR_TEST_TOTALS;
  if (!file) return;
  appendFileSync(file, `${passed} ${failed} ${skipped} ${label}\n`);
}

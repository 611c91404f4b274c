// Text output: the dry-run plan and the end-of-run report (failure details + per-step timing + totals).
import type { ParsedReadme } from './parse';
import type { RunReadmeResult, StepResult } from './verdict';
import { formatWarning, stepLabel } from './step';

/** Indents captured output for display; `(empty)` when there is nothing. */
export function formatLines(text: string, indent: string): string[] {
  if (text === '') return [`${indent}(empty)`];
  const lines = text.replace(/\n$/, '').split(/\r?\n/);
  return lines.map((l) => `${indent}| ${l}`);
}

/** `N passed, N failed` with `, N skipped` appended when some steps were skipped. */
export function formatTotals(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/** One line per step: status, duration (one decimal), name. */
export function formatTimingLine(r: StepResult): string {
  return `${r.status}  ${r.durationSeconds.toFixed(1).padStart(6)}s  ${stepLabel(r.step)}`;
}

export function formatReport(result: RunReadmeResult): string {
  const out: string[] = ['', `==== run-readme report: ${result.file} ====`];
  for (const r of result.steps) {
    const where = `${result.file}:${r.step.line}`;
    if (r.status === 'FAIL') {
      out.push('', `FAIL: ${stepLabel(r.step)} (${where})`);
      for (const f of r.failures) out.push(...f.split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
      for (const n of r.notes) out.push(`  note: ${n}`);
      if (!result.verbose) {
        out.push('  stdout:', ...formatLines(r.stdout, '    '));
        out.push('  stderr:', ...formatLines(r.stderr, '    '));
      }
    } else if (r.status === 'PASS' && r.notes.length > 0) {
      out.push('', `note for ${stepLabel(r.step)} (${where}):`, ...r.notes.map((n) => `  ${n}`));
    }
  }
  const skipped = result.steps.filter((r) => r.status === 'SKIP');
  if (skipped.length > 0) {
    out.push('', 'Skipped:');
    for (const r of skipped) out.push(`  ${stepLabel(r.step)} (${result.file}:${r.step.line}): ${r.skipReason ?? 'not run'}`);
  }
  if (result.warnings.length > 0) out.push('', 'Warnings:', ...result.warnings.map((w) => `  ${formatWarning(result.file, w)}`));
  if (result.interrupted) out.push('', 'The run was interrupted; all started processes were stopped.');
  out.push('', ...result.steps.map(formatTimingLine));
  out.push(formatTotals(result.passed, result.failed, result.skipped));
  return `${out.join('\n')}\n`;
}

export interface PlanOptions {
  shell: readonly string[];
  tags: readonly string[];
  isSelected: (step: ParsedReadme['steps'][number]) => boolean;
}

export function formatPlan(parsed: ParsedReadme, options: PlanOptions): string {
  const out: string[] = [`Plan for ${parsed.file}: ${parsed.steps.length} step(s), shell '${options.shell.join(' ')}'`];
  for (const w of parsed.warnings) out.push(formatWarning(parsed.file, w));
  if (options.tags.length > 0) out.push(`Tags: ${options.tags.join(', ')}`);
  for (const step of parsed.steps) {
    const selected = options.isSelected(step);
    out.push('', `Step ${step.index}: ${stepLabel(step)} (line ${step.line})${step.background ? ' [background]' : ''}${selected ? '' : ' [SKIP: not selected by --tag]'}`);
    if (step.tags.length > 0) out.push(`  tags: ${step.tags.join(', ')}`);
    out.push(
      `  working_dir: ${step.workingDir ?? '.'}  timeout: ${step.timeoutSeconds}s  sleep: ${step.sleepSeconds}s  ` +
        `expected return code: ${step.expectedReturnCode ?? 'not checked'}`,
    );
    if (Object.keys(step.env).length > 0) out.push(`  env: ${Object.entries(step.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    out.push(step.commands.length > 0 ? '  commands:' : '  commands: (none)');
    for (const c of step.commands) {
      out.push(`    [line ${c.line}, ${c.lang}]`, ...c.script.split('\n').map((l) => `      ${l}`));
    }
    for (const b of step.ignoredBlocks) out.push(`  (not run: '${b.lang || 'untagged'}' block at line ${b.line})`);
    const waitSource = step.waitForStep !== null ? ` of step '${step.waitForStep}', before the commands` : '';
    const lists: [string, string[]][] = [
      [`wait for stdout${waitSource}`, step.waitForStdoutLines],
      [`wait for stderr${waitSource}`, step.waitForStderrLines],
      ['expected stdout', step.expectedStdoutLines],
      ['expected stderr', step.expectedStderrLines],
      ['forbidden stdout', step.forbiddenStdoutLines],
      ['forbidden stderr', step.forbiddenStderrLines],
    ];
    for (const [title, lines] of lists) {
      if (lines.length === 0) continue;
      const extra = title.startsWith('wait') ? `, within ${step.waitTimeoutSeconds}s` : title.startsWith('expected') ? `, ${step.matchOrder}` : '';
      out.push(`  ${title} (${step.outputMatchMode}${extra}):`, ...lines.map((l) => `    ${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}

// Checks that need more than the STEP's YAML: the whole step (its code blocks) or the steps above it.
import { ReadmeParseError, stepLabel, warnOrFail, type Step, type WarningSink } from './step';

/**
 * Checks that need the whole step (its code blocks). Called at END_STEP. A step whose only
 * expectations are empty lines (`- ''`, which the dapr quickstarts use) checks nothing: reported to
 * `sink`, so it is a warning by default and an error in strict mode.
 */
export function validateCompleteStep(step: Step, file: string, sink: WarningSink = { strict: true, warnings: [] }): void {
  const expectations = [...step.expectedStdoutLines, ...step.expectedStderrLines];
  if (step.commands.length > 0 && expectations.length > 0 && expectations.every((l) => l.trim() === '')) {
    warnOrFail(
      sink,
      file,
      step.line,
      `STEP '${stepLabel(step)}' only expects empty lines, which is a trivial check that always passes; ` +
        'list real output lines, or remove the expectation',
    );
  }
}

/**
 * Finds the step that `wait_for_step` names: the closest background step above `step` with exactly that
 * name. Throws (at `keyLine`) for a name that is unknown, belongs only to the step itself or to steps
 * below it (not started yet when this step runs), or only to foreground steps (already finished).
 * @param steps every step of the file, in document order
 * @returns the `index` of the target step
 */
export function resolveWaitForStep(step: Step, steps: readonly Step[], file: string, keyLine: number): number {
  const name = step.waitForStep;
  if (name === null) throw new Error('resolveWaitForStep called for a step without wait_for_step');
  const fail = (reason: string): never => {
    throw new ReadmeParseError(file, keyLine, `wait_for_step '${name}': ${reason}`);
  };
  const earlier = steps.filter((s) => s.index < step.index);
  const named = earlier.filter((s) => s.name === name);
  const target = named.filter((s) => s.background).pop();
  if (target) return target.index;

  const foreground = named.pop();
  if (foreground) {
    return fail(
      `the step at line ${foreground.line} is not a background step, so it has finished before this step starts ` +
        `and there is nothing to wait for; check its output with its own expected_stdout_lines`,
    );
  }
  if (step.name === name) return fail('a step cannot wait for itself; name an earlier background step');
  const later = steps.find((s) => s.index > step.index && s.name === name);
  if (later) {
    return fail(
      `that step starts later (line ${later.line}), so it has not started when this step runs; ` +
        'a step can only wait for a background step above it',
    );
  }
  const candidates = earlier.filter((s) => s.background && s.name !== '').map((s) => `'${s.name}'`);
  return fail(
    `no step has that name; ${candidates.length > 0 ? `background steps above this one: ${candidates.join(', ')}` : 'there is no named background step above this one'}`,
  );
}

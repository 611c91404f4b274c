/**
 * @module errors
 * Typed exit errors (changesets style): commands throw them, `index.ts` turns them into an exit
 * code and a message in one place.
 */

/** Ends the command with `code`; `message`, when given, is printed to stderr. */
export class ExitError extends Error {
  readonly code: number;
  readonly printed: boolean;
  constructor(code: number, message?: string) {
    super(message ?? `exit code ${code}`);
    this.name = 'ExitError';
    this.code = code;
    this.printed = message === undefined;
  }
}

/**
 * Invalid input found before anything started (flags, run files). Every issue is reported at once as
 * `where: what`; `helpCommand` names the command whose `--help` the user should read.
 */
export class ConfigError extends Error {
  readonly issues: string[];
  readonly helpCommand?: string;
  constructor(issues: string[], helpCommand?: string) {
    super(issues.join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
    this.helpCommand = helpCommand;
  }
}

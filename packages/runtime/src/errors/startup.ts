/**
 * @module errors/startup
 * Start-up errors: bad flags, bad resource files. bin.ts prints them and exits non-zero.
 */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(issues.join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

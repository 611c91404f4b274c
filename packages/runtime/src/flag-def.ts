/**
 * @module flag-def
 * The shape of one flag in minidaprd's flag table (option-flags.ts); its own module so the guard
 * flags (options-guards.ts) can declare theirs without importing the table they belong to.
 */
export type Kind = 'string' | 'int' | 'bool' | 'list' | 'quantity' | 'duration';
export interface FlagDef {
  kind: Kind;
  /** The value placeholder in the usage (`<port>`, `http|https`); bools have none. */
  arg?: string;
  /** One line of help, or several separated by `\n`. */
  help: string;
  /** The default as the usage shows it (the value itself is a constant of defaults.ts). */
  dflt?: string;
}


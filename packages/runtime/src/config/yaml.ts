/**
 * @module config/yaml
 * The one way resource and configuration files are read from YAML: every document of a file, each
 * turned into plain JS with alias expansion bounded (a "billion laughs" alias bomb stops after
 * YAML_MAX_ALIAS_COUNT expansions), and any failure while doing so reported as a ConfigError that
 * names the file (and the document, in a multi-document file) — never a stack trace.
 */
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../errors/startup';

/** Alias expansions allowed per document (the yaml package's own default, pinned here). */
export const YAML_MAX_ALIAS_COUNT = 100;

/** One parsed document: its syntax errors, and its content as plain JS (bounded, file-named errors). */
export interface YamlDocument {
  readonly errors: ReadonlyArray<{ message: string }>;
  toJS(): unknown;
}

/** `${file}` or `${file} (document n)` when the file holds several documents. */
export function documentLabel(file: string, index: number, count: number): string {
  return count > 1 ? `${file} (document ${index + 1})` : file;
}

export function parseYamlDocuments(text: string, file: string): YamlDocument[] {
  const docs = parseAllDocuments(text);
  // A stream with nothing in it parses to an EmptyStream (an empty array-like).
  const list = Array.isArray(docs) ? docs : [];
  return list.map((d, index) => ({
    errors: d.errors,
    toJS(): unknown {
      try {
        return d.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
      } catch (err) {
        const where = documentLabel(file, index, list.length);
        const message = (err as Error).message ?? String(err);
        const why = /alias count/i.test(message) ? `too many alias expansions (more than ${YAML_MAX_ALIAS_COUNT}; an alias bomb?)` : message.split('\n')[0];
        throw new ConfigError([`${where}: invalid YAML: ${why}`]);
      }
    },
  }));
}

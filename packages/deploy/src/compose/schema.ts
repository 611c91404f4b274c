/**
 * @module compose/schema
 * Validates a compose document against the Compose Specification's JSON schema (vendored in
 * schemas/compose-spec.json; see schemas/README.md for its source and licence).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { PACKAGE_DIR } from '../repo';

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(PACKAGE_DIR, 'schemas', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
  // Draft-07, but named by its https URL, which Ajv's bundled meta-schema does not answer to; it also
  // uses annotation keywords Ajv does not know.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

/** Problems as `<file>: <path> <message>`; empty when the document is valid. */
export function validateComposeSchema(doc: unknown, file: string): string[] {
  validator ??= compile();
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${file}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
}

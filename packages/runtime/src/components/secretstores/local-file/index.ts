/**
 * @module components/secretstores/local-file
 * secretstores.local.file: secrets read once at init from a JSON file (development only, no auth).
 * Default mode flattens the whole document: nested keys joined with `nestedSeparator` (`:`), array
 * items by index (`db:hosts:0`), every secret a one-entry map `{name: value}`. With `multiValued`,
 * each top-level key is one secret: a string stays `{key: value}`, an object becomes the flattened
 * map of its children (other top-level values are skipped, as in Dapr).
 * Numbers and booleans are rendered as their JSON text, null as "".
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import { SecretNotFoundError, type Secret, type SecretStore } from '../contract';
import { parseLocalFileMetadata } from './metadata';

export const MULTIPLE_KEY_VALUES_PER_SECRET = 'MULTIPLE_KEY_VALUES_PER_SECRET';

export class LocalFileSecretStore implements SecretStore {
  private secrets = new Map<string, Secret>();
  private multiValued = false;

  constructor(private readonly logger?: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    const settings = parseLocalFileMetadata(metadata);
    const file = resolve(ctx.cwd, settings.secretsFile);
    const doc = readSecretsFile(file);
    this.multiValued = settings.multiValued;
    const secrets = new Map<string, Secret>();
    if (settings.multiValued) {
      for (const [key, value] of Object.entries(doc)) {
        if (typeof value === 'string') secrets.set(key, { [key]: value });
        else if (isObject(value)) secrets.set(key, Object.fromEntries(flatten(value, settings.nestedSeparator)));
        else this.logger?.debug(`secretsFile ${file}: top-level key ${JSON.stringify(key)} is neither a string nor an object; skipped (multiValued)`);
      }
    } else {
      for (const [key, value] of flatten(doc, settings.nestedSeparator)) secrets.set(key, { [key]: value });
    }
    this.secrets = secrets;
  }

  async close(): Promise<void> {
    this.secrets.clear();
  }

  features(): readonly string[] {
    return this.multiValued ? [MULTIPLE_KEY_VALUES_PER_SECRET] : [];
  }

  async getSecret(name: string): Promise<Secret> {
    const secret = this.secrets.get(name);
    if (!secret) throw new SecretNotFoundError(name);
    return { ...secret };
  }

  async bulkGetSecret(): Promise<Record<string, Secret>> {
    const out: Record<string, Secret> = {};
    for (const [name, secret] of this.secrets) out[name] = { ...secret };
    return out;
  }
}

/** Reads and parses the file; errors name the file but never quote its content. */
function readSecretsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a directory' : `it cannot be read (${code ?? (err as Error).message})`;
    throw new Error(`metadata field "secretsFile": cannot load secrets file ${file}: ${why}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    // The parser's message may quote the file's text (secret values): report a position only.
    const pos = /position (\d+)/.exec((err as Error).message);
    const where = pos ? ` (${lineColumn(text, Number(pos[1]))})` : '';
    throw new Error(`metadata field "secretsFile": secrets file ${file} is not valid JSON${where}`);
  }
  if (!isObject(doc)) throw new Error(`metadata field "secretsFile": secrets file ${file} must hold a JSON object`);
  return doc;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1] ?? '').length + 1}`;
}

/** Flattens nested objects and arrays into [path, value] pairs; the first of two equal paths wins. */
export function flatten(root: Record<string, unknown>, separator: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}${separator}${i}`));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) visit(v, `${path}${separator}${k}`);
    else if (!out.has(path)) out.set(path, value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  };
  for (const [k, v] of Object.entries(root)) visit(v, k);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function createLocalFileSecretStore(ctx: FactoryContext): LocalFileSecretStore {
  return new LocalFileSecretStore(ctx.logger);
}

/**
 * @module components/metadata
 * Typed metadata declarations per component (the TS twin of components-contrib metadata.yaml)
 * and decodeMetadata(), which turns the flat string map into a typed object with coded errors.
 */
import { MetadataError } from './errors';
import type { MetadataMap } from './types';

export type FieldType = 'string' | 'number' | 'boolean' | 'duration';

export interface FieldSpec {
  name: string;
  type: FieldType;
  required?: boolean;
  default?: string;
  sensitive?: boolean;
  description: string;
  /** Other accepted names (components-contrib's mapstructure aliases, e.g. a legacy `url`); used when the field itself is empty. */
  aliases?: readonly string[];
}

export type Decoded = Record<string, string | number | boolean | undefined>;

/** Parses Go-style durations (`1m30s`, `500ms`) or plain seconds into milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * (units[m[2] as string] as number);
    consumed += m[0].length;
  }
  return consumed === t.length && consumed > 0 ? total : undefined;
}

export function decodeMetadata(component: string, spec: readonly FieldSpec[], raw: MetadataMap): Decoded {
  const out: Decoded = {};
  const lower = new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  for (const field of spec) {
    let text = lower.get(field.name.toLowerCase());
    for (const alias of field.aliases ?? []) if (!text) text = lower.get(alias.toLowerCase()) || text;
    text ??= field.default;
    if (text === undefined || text === '') {
      if (field.required) throw new MetadataError(component, field.name, 'is required');
      continue;
    }
    switch (field.type) {
      case 'string':
        out[field.name] = text;
        break;
      case 'number': {
        const n = Number(text);
        if (!Number.isFinite(n)) throw new MetadataError(component, field.name, 'must be a number');
        out[field.name] = n;
        break;
      }
      case 'boolean': {
        const b = text.trim().toLowerCase();
        if (!['true', 'false', '1', '0', 'yes', 'no'].includes(b)) {
          throw new MetadataError(component, field.name, 'must be true or false');
        }
        out[field.name] = b === 'true' || b === '1' || b === 'yes';
        break;
      }
      case 'duration': {
        const ms = parseDurationMs(text);
        if (ms === undefined) throw new MetadataError(component, field.name, 'must be a duration like 5s or 500ms');
        out[field.name] = ms;
        break;
      }
    }
  }
  return out;
}

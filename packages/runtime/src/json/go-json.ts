/**
 * @module json/go-json
 * JSON text as Go's json.Marshal writes it for a decoded `interface{}`: object keys sorted, and
 * `<`, `>`, `&`, U+2028, U+2029 escaped. daprd re-serialises an output binding's `data` this way, so
 * components (and the services behind them) see the same bytes as with daprd.
 */
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function str(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] as string);
}

export function goMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // Go sorts map keys by their bytes; code-unit order matches that for the BMP.
    const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${str(k)}:${goMarshal(obj[k])}`).join(',')}}`;
  }
  return 'null';
}

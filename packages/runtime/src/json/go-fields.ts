/**
 * @module json/go-fields
 * Reading one field of a parsed JSON object the way Go's encoding/json fills a struct field tagged
 * `json:"<name>"`: the key spelled exactly as the tag first, else a key equal to it under Unicode case
 * folding (`Key`, `OPERATION`, `entryID`). daprd decodes request bodies (and the app's answers) into Go
 * structs, so clients rely on this: the official JS SDK sends bulk-publish entries as `entryID`. Maps
 * (`metadata`, the `value` / `data` / `event` payloads) are not structs: their keys stay as sent.
 * Spec trap 31; Go's `encoding/json` (decode.go `object`, fold.go).
 */

type JSONObject = Record<string, unknown>;

/**
 * Go's `bytes.EqualFold` between a key and an ASCII field name: letters match in either case, and
 * the two non-ASCII letters that fold onto ASCII ones match too (U+017F `ſ` = s, U+212A Kelvin sign = k).
 * Both have one UTF-16 unit, so equal folding implies equal length.
 */
function foldEquals(key: string, name: string): boolean {
  if (key.length !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const a = key.charCodeAt(i);
    const b = name.charCodeAt(i);
    if (a === b) continue;
    const lower = b | 0x20;
    if (lower < 0x61 || lower > 0x7a) return false; // not a letter: only the exact character matches
    if ((a | 0x20) === lower) continue;
    if ((lower === 0x73 && a === 0x17f) || (lower === 0x6b && a === 0x212a)) continue;
    return false;
  }
  return true;
}

/**
 * The key of `obj` that Go decodes into the field tagged `name`, or undefined when none does. An exact
 * match wins; among other spellings the last one in the object wins, as Go assigns each in turn.
 */
export function goFieldKey(obj: JSONObject, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  let found: string | undefined;
  for (const key of Object.keys(obj)) if (foldEquals(key, name)) found = key;
  return found;
}

/**
 * The value Go decodes into the field tagged `name` (undefined when absent). Costs one own-property
 * check when the key is spelled as the tag; the case-insensitive scan runs only when it is not.
 *
 * @example goField(JSON.parse('{"entryID":"1"}'), 'entryId') // → '1'
 */
export function goField(obj: JSONObject, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const key = goFieldKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

/** A JSON object (not null, not an array), or undefined: the values Go can decode into a struct. */
export function asObject(v: unknown): JSONObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JSONObject) : undefined;
}

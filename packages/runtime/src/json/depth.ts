/**
 * @module json/depth
 * Refuses JSON nested too deeply before anything recursive touches it: V8 parses 100k levels but
 * JSON.stringify (and any recursive walk) then overflows the stack. One pass, no recursion.
 */

/**
 * The deepest nesting of arrays/objects the API accepts. Go's encoding/json stops at 10000, but
 * JSON.stringify already overflows Node's default stack near 5000 levels, so minidapr takes 1000.
 */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** True when `text` opens more than `max` nested arrays/objects (brackets inside strings do not count). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  if (text.length <= max) return false; // each level needs at least one character
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The message every API uses when it refuses a body for its depth. */
export const tooDeepMessage = (max = MAX_JSON_DEPTH): string => `the JSON is nested more than ${max} levels deep`;

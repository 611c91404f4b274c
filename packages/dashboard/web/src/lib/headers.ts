/**
 * @module lib/headers
 * The explorer's header box: one "Name: value" per line.
 */

export function parseHeaders(text: string): { headers: Record<string, string>; errors: string[] } {
  const headers: Record<string, string> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || /\s/.test(name)) {
      errors.push(`line ${i + 1}: expected "Name: value"`);
      return;
    }
    headers[name] = line.slice(colon + 1).trim();
  });
  return { headers, errors };
}

/**
 * @module components/catalog-doc
 * Regenerates the parts of docs/components.md that the catalogue decides: the summary table, and in
 * each `### \`type\`` section the fact lines (type names, capabilities, directions, operations) and the
 * metadata field table. The prose around them is kept as written. A type with no section gets one
 * (its summary as a first paragraph) after the previous type of its category. Run through
 * `npm run docs:components -w @minidapr/runtime`; catalog.test.ts fails while the doc is not current.
 */
import { CATALOG, isDurable, serverNeeded, STORAGE_LABELS, type CatalogEntry } from './catalog';
import type { FieldSpec } from './metadata';
import type { Category } from './types';

export const SUMMARY_HEADER = ['type', 'also', 'category', 'keeps data in', 'needs a server', 'durable', 'what it is'] as const;
export const FIELD_HEADER = ['field', 'type', 'default', 'required', 'sensitive', 'description'] as const;
export const NO_FIELDS = 'No metadata fields.';

/** The `## ` heading each category's sections sit under. */
export const CATEGORY_HEADINGS: Readonly<Record<Category, string>> = {
  state: 'State stores',
  pubsub: 'Pub/sub brokers',
  bindings: 'Bindings',
  secretstores: 'Secret stores',
};

const code = (s: string): string => `\`${s}\``;
const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.map(code).join(', '));

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)];
}

export function summaryRow(e: CatalogEntry): string[] {
  const durable = isDurable(e);
  return [code(e.type), e.aliases.map(code).join(', '), e.category, STORAGE_LABELS[e.storage], serverNeeded(e) ?? 'no', durable === undefined ? '—' : durable ? 'yes' : 'no', e.summary];
}

export function fieldRow(f: FieldSpec): string[] {
  return [code(f.name), f.type, f.default === undefined ? '' : code(f.default), f.required ? 'yes' : '', f.sensitive ? 'yes' : '', f.description];
}

/** The `- **label:** …` lines under a component's heading. */
export function factLines(e: CatalogEntry): string[] {
  const lines = [`- **type names:** ${list([e.type, ...e.aliases])}`];
  if (e.category !== 'bindings') lines.push(`- **capabilities:** ${list(e.features)}`);
  if (e.featureNote !== undefined) lines.push(`- **with metadata:** ${e.featureNote}`);
  if (e.directions) lines.push(`- **directions:** ${list(e.directions)}`);
  if (e.operations) lines.push(`- **operations:** ${list(e.operations)}`);
  return lines;
}

function fieldLines(e: CatalogEntry): string[] {
  return e.metadata.length === 0 ? [NO_FIELDS] : table(FIELD_HEADER, e.metadata.map(fieldRow));
}

const isTableLine = (l: string): boolean => l.trim().startsWith('|');
const headingLevel = (l: string): number => /^(#{1,6}) /.exec(l)?.[1]?.length ?? 0;

/** Index of the first line after the section starting at `start` (the next heading of level ≤ `level`). */
function sectionEnd(lines: readonly string[], start: number, level: number): number {
  for (let i = start + 1; i < lines.length; i++) {
    const l = headingLevel(lines[i] as string);
    if (l > 0 && l <= level) return i;
  }
  return lines.length;
}

/** Replaces the table whose first line is `header` (header, separator, rows) by `replacement`. */
function replaceTable(lines: string[], headerAt: number, replacement: readonly string[]): void {
  let end = headerAt;
  while (end < lines.length && isTableLine(lines[end] as string)) end++;
  lines.splice(headerAt, end - headerAt, ...replacement);
}

/** A component's section with its fact lines and field table brought up to date. */
function updateSection(section: string[], e: CatalogEntry): string[] {
  const out = [...section];
  let i = 1;
  while (i < out.length && out[i] === '') i++;
  let end = i;
  while (end < out.length && (out[end] as string).startsWith('- **')) end++;
  out.splice(i, end - i, ...factLines(e));
  const fieldsAt = out.findIndex((l) => l === table(FIELD_HEADER, [])[0] || l === NO_FIELDS);
  if (fieldsAt < 0) {
    let last = out.length;
    while (last > 0 && out[last - 1] === '') last--;
    out.splice(last, 0, '', ...fieldLines(e));
  } else if (out[fieldsAt] === NO_FIELDS) out.splice(fieldsAt, 1, ...fieldLines(e));
  else replaceTable(out, fieldsAt, fieldLines(e));
  return out;
}

function newSection(e: CatalogEntry): string[] {
  return [`### ${code(e.type)}`, '', ...factLines(e), '', e.summary, '', ...fieldLines(e), ''];
}

/** docs/components.md as the catalogue says it should be (the text itself when it is current). */
export function updateComponentsDoc(doc: string, catalog: readonly CatalogEntry[] = CATALOG): string {
  const lines = doc.split('\n');
  const summaryAt = lines.indexOf(table(SUMMARY_HEADER, [])[0] as string);
  if (summaryAt < 0) throw new Error(`docs/components.md: no summary table (${table(SUMMARY_HEADER, [])[0]})`);
  replaceTable(lines, summaryAt, table(SUMMARY_HEADER, catalog.map(summaryRow)));
  const find = (heading: string): number => lines.indexOf(heading);
  catalog.forEach((e, n) => {
    const at = find(`### ${code(e.type)}`);
    if (at >= 0) {
      const end = sectionEnd(lines, at, 3);
      lines.splice(at, end - at, ...updateSection(lines.slice(at, end), e));
      return;
    }
    const previous = catalog.slice(0, n).reverse().find((p) => p.category === e.category && find(`### ${code(p.type)}`) >= 0);
    let insertAt: number;
    if (previous) insertAt = sectionEnd(lines, find(`### ${code(previous.type)}`), 3);
    else {
      const categoryAt = find(`## ${CATEGORY_HEADINGS[e.category]}`);
      if (categoryAt < 0) lines.push('', `## ${CATEGORY_HEADINGS[e.category]}`, '');
      insertAt = categoryAt < 0 ? lines.length : sectionEnd(lines, categoryAt, 2);
    }
    if (insertAt > 0 && lines[insertAt - 1] !== '') lines.splice(insertAt++, 0, '');
    lines.splice(insertAt, 0, ...newSection(e));
  });
  return lines.join('\n');
}

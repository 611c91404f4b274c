import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerBuiltins } from './builtin';
import { CATALOG, catalogTypeNames, findCatalogEntry } from './catalog';
import { FIELD_HEADER, fieldRow, SUMMARY_HEADER, summaryRow } from './catalog-doc';

const DOC_PATH = join(__dirname, '..', '..', '..', '..', 'docs', 'components.md');
const doc = readFileSync(DOC_PATH, 'utf8');

/** The cells of a markdown table row (`\|` is a literal pipe), or undefined for other lines. */
function cells(line: string): string[] | undefined {
  const t = line.trim();
  if (!t.startsWith('|') || !t.endsWith('|')) return undefined;
  return t
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Rows of the first table after `header` (a row of cell texts) within `text`, separator excluded. */
function tableRows(text: string, header: readonly string[]): string[][] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => JSON.stringify(cells(l)) === JSON.stringify(header));
  if (start < 0) return undefined;
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    const row = cells(line);
    if (!row) break;
    rows.push(row);
  }
  return rows;
}

/** `### \`type\`` sections: type → its text up to the next heading of level 1 to 3. */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^(?=#{1,3} )/m);
  for (const part of parts) {
    const m = /^### `([^`]+)`/.exec(part);
    if (m) out.set(m[1] as string, part);
  }
  return out;
}

/** The backticked items of a `- **label:** …` line, or undefined when there is no such line. */
function listLine(section: string, label: string): string[] | undefined {
  const m = new RegExp(`^- \\*\\*${label}:\\*\\* (.*)$`, 'm').exec(section);
  if (!m) return undefined;
  return [...(m[1] as string).matchAll(/`([^`]+)`/g)].map((x) => x[1] as string);
}

const code = (s: string): string => `\`${s}\``;

/** Compares rows keyed by their first cell; every difference is one line naming the row and column. */
function compareRows(where: string, columns: readonly string[], expected: string[][], actual: string[][]): string[] {
  const problems: string[] = [];
  const byKey = new Map(actual.map((r) => [r[0] as string, r]));
  for (const want of expected) {
    const got = byKey.get(want[0] as string);
    if (!got) {
      problems.push(`${where}: row ${want[0]} is missing`);
      continue;
    }
    columns.forEach((col, i) => {
      if (got[i] !== want[i]) problems.push(`${where}: row ${want[0]}, column "${col}": docs say "${got[i] ?? ''}", the catalogue says "${want[i]}"`);
    });
  }
  const keys = new Set(expected.map((r) => r[0]));
  for (const row of actual) if (!keys.has(row[0] as string)) problems.push(`${where}: row ${row[0]} is not in the catalogue`);
  return problems;
}

describe('component catalogue', () => {
  it('lists exactly the types registerBuiltins() registers', () => {
    const registered = registerBuiltins().knownTypes().map((t) => t.replace(/\/v1$/, ''));
    expect(catalogTypeNames()).toEqual(registered);
  });

  it('finds an entry by any of its names, case-insensitively', () => {
    expect(findCatalogEntry('STATE.SQLITE3')?.type).toBe('state.sqlite');
    expect(findCatalogEntry('state.nope')).toBeUndefined();
  });

  it('loads no database driver: only descriptor and metadata modules are imported', () => {
    jest.isolateModules(() => {
      const loaded: string[] = [];
      jest.doMock('pg', () => (loaded.push('pg'), {}));
      jest.doMock('better-sqlite3', () => (loaded.push('better-sqlite3'), {}));
      jest.doMock('ioredis', () => (loaded.push('ioredis'), {}));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./catalog') as typeof import('./catalog');
      expect(fresh.CATALOG.length).toBe(CATALOG.length);
      expect(loaded).toEqual([]);
    });
  });
});

describe('docs/components.md', () => {
  const bySection = sections(doc);

  it('has a summary table row per component, as the catalogue says', () => {
    const rows = tableRows(doc, SUMMARY_HEADER);
    expect({ summaryTable: rows !== undefined }).toEqual({ summaryTable: true });
    expect(compareRows('summary table', SUMMARY_HEADER, CATALOG.map(summaryRow), rows ?? [])).toEqual([]);
  });

  it('has a section per component and no other component section', () => {
    const documented = [...bySection.keys()].sort();
    expect(documented).toEqual(CATALOG.map((e) => e.type).sort());
  });

  it('lists the type names, capabilities, directions and operations of each component', () => {
    const problems: string[] = [];
    const check = (type: string, label: string, want: readonly string[] | undefined, got: string[] | undefined): void => {
      if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`### ${code(type)}: "${label}" line: docs say ${JSON.stringify(got)}, the catalogue says ${JSON.stringify(want)}`);
    };
    for (const e of CATALOG) {
      const section = bySection.get(e.type);
      if (!section) continue;
      check(e.type, 'type names', [e.type, ...e.aliases], listLine(section, 'type names'));
      check(e.type, 'capabilities', e.category === 'bindings' ? undefined : e.features, listLine(section, 'capabilities'));
      const note = /^- \*\*with metadata:\*\* (.*)$/m.exec(section)?.[1];
      if (note !== e.featureNote) problems.push(`### ${code(e.type)}: "with metadata" line: docs say ${JSON.stringify(note)}, the catalogue says ${JSON.stringify(e.featureNote)}`);
      check(e.type, 'directions', e.directions, listLine(section, 'directions'));
      check(e.type, 'operations', e.operations, listLine(section, 'operations'));
    }
    expect(problems).toEqual([]);
  });

  it('lists every metadata field of each component with its type, default, flags and description', () => {
    const problems: string[] = [];
    for (const e of CATALOG) {
      const section = bySection.get(e.type);
      if (!section) continue;
      const rows = tableRows(section, FIELD_HEADER);
      if (rows === undefined) {
        if (e.metadata.length > 0) problems.push(`### ${code(e.type)}: no metadata table (| ${FIELD_HEADER.join(' | ')} |)`);
        else if (!/no metadata fields/i.test(section)) problems.push(`### ${code(e.type)}: say "No metadata fields" when there is no table`);
        continue;
      }
      problems.push(...compareRows(`### ${code(e.type)}`, FIELD_HEADER, e.metadata.map(fieldRow), rows));
    }
    expect(problems).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, type CatalogEntry } from './catalog';
import { NO_FIELDS, updateComponentsDoc } from './catalog-doc';

const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'components.md'), 'utf8');

const example: CatalogEntry = {
  type: 'state.example',
  aliases: ['state.sample'],
  version: 'v1',
  category: 'state',
  summary: 'An example store.',
  storage: 'memory',
  features: ['ETAG'],
  metadata: [{ name: 'size', type: 'number', default: '3', description: 'How many | at most.' }],
};

describe('updateComponentsDoc', () => {
  it('leaves docs/components.md as it is (run `npm run docs:components -w @minidapr/runtime` when this fails)', () => {
    expect(updateComponentsDoc(doc)).toBe(doc);
  });

  it('adds a section, after the previous type of its category, and a summary row for a new type', () => {
    const out = updateComponentsDoc(doc, [...CATALOG.slice(0, 1), example, ...CATALOG.slice(1)]);
    const section = out.slice(out.indexOf('### `state.example`'), out.indexOf('### `state.sqlite`'));
    expect(section).toBe(
      [
        '### `state.example`',
        '',
        '- **type names:** `state.example`, `state.sample`',
        '- **capabilities:** `ETAG`',
        '',
        'An example store.',
        '',
        '| field | type | default | required | sensitive | description |',
        '|---|---|---|---|---|---|',
        '| `size` | number | `3` |  |  | How many \\| at most. |',
        '',
        '',
      ].join('\n'),
    );
    expect(out.indexOf('### `state.in-memory`')).toBeLessThan(out.indexOf('### `state.example`'));
    expect(out).toContain('| `state.example` | `state.sample` | state | sidecar memory | no | no | An example store. |');
    expect(updateComponentsDoc(out, [...CATALOG.slice(0, 1), example, ...CATALOG.slice(1)])).toBe(out);
  });

  it('rewrites fact lines and field tables that drifted, and keeps the prose', () => {
    const drifted = doc
      .replace('- **capabilities:** `ETAG`, `TRANSACTIONAL`, `TTL`, `QUERY_API`', '- **capabilities:** `ETAG`')
      .replace(/^\| `tableName` .*\n/m, '')
      .replace('A broker inside one sidecar:', 'A broker, kept as written, inside one sidecar:');
    const out = updateComponentsDoc(drifted);
    expect(out).toBe(doc.replace('A broker inside one sidecar:', 'A broker, kept as written, inside one sidecar:'));
  });

  it('turns a table into "No metadata fields." when a type declares none, and back', () => {
    const none = CATALOG.map((e) => (e.type === 'secretstores.local.env' ? { ...e, metadata: [] } : e));
    const out = updateComponentsDoc(doc, none);
    expect(out.slice(out.indexOf('### `secretstores.local.env`'))).toContain(NO_FIELDS);
    expect(updateComponentsDoc(out)).toBe(doc);
  });
});

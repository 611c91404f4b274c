import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResourceFile, yamlFilesIn } from './resource-files';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dash-res-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('splits a multi-document file and keeps each document text', () => {
  const file = join(dir, 'all.yaml');
  writeFileSync(
    file,
    [
      '# the store',
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: statestore',
      'spec:',
      '  type: state.in-memory',
      '  version: v1',
      'scopes: [orders]',
      '---',
      'kind: Subscription',
      'metadata: { name: sub }',
      '---',
      'just: data',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'notes.txt'), 'x');
  expect(yamlFilesIn(dir)).toEqual([file]);
  const docs = parseResourceFile(file);
  expect(docs).toHaveLength(2);
  expect(docs[0]).toMatchObject({ kind: 'Component', name: 'statestore', type: 'state.in-memory', version: 'v1', scopes: ['orders'], file });
  expect(docs[0]?.yaml).toMatch(/^# the store\n[\s\S]*scopes: \[orders\]\n$/);
  expect(docs[1]).toMatchObject({ kind: 'Subscription', name: 'sub', yaml: 'kind: Subscription\nmetadata: { name: sub }\n' });
});

it('yields nothing for a missing path', () => {
  expect(yamlFilesIn(join(dir, 'none'))).toEqual([]);
  expect(parseResourceFile(join(dir, 'none.yaml'))).toEqual([]);
});

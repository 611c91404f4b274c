import { CATALOG } from './catalog';
import { RUNTIME_METADATA_NAMES, unknownMetadataWarnings } from './metadata-check';
import type { ComponentManifest } from './types';

const manifest = (type: string, names: string[]): ComponentManifest => ({
  name: 'c',
  type,
  category: type.split('.')[0] as ComponentManifest['category'],
  version: 'v1',
  metadata: names.map((name) => ({ name, value: 'x' })),
  ignoreErrors: false,
  initTimeoutMs: 5000,
  scopes: [],
  file: 'c.yaml',
});

describe('unknownMetadataWarnings', () => {
  it.each(CATALOG.map((e) => [e.type, e]))('%s: its declared fields and the runtime fields pass, in any case', (type, entry) => {
    const names = [...entry.metadata.map((f) => f.name), ...RUNTIME_METADATA_NAMES];
    expect(unknownMetadataWarnings(manifest(type, [...names, ...names.map((n) => n.toUpperCase())]))).toEqual([]);
  });

  it('names the file, the component, the field and the closest known name', () => {
    expect(unknownMetadataWarnings(manifest('state.redis', ['redisHost', 'redisPasword', 'keyprefx']))).toEqual([
      'c.yaml: component "c" (state.redis): unknown metadata field "redisPasword" is ignored; did you mean "redisPassword"?',
      'c.yaml: component "c" (state.redis): unknown metadata field "keyprefx" is ignored; did you mean "keyPrefix"?',
    ]);
  });

  it('finds the entry through an alias and says nothing about types it does not know', () => {
    expect(unknownMetadataWarnings(manifest('bindings.postgres', ['url', 'timeoutInSeconds']))).toEqual([]); // legacy aliases
    expect(unknownMetadataWarnings(manifest('bindings.postgres', ['maxConn']))).toEqual([expect.stringContaining('did you mean "maxConns"?')]);
    expect(unknownMetadataWarnings(manifest('state.cassandra', ['anything']))).toEqual([]);
  });
});

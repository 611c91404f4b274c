/**
 * Conformance: state.sqlite through the HTTP state API, on a database file in a temp dir. The
 * features come from the sidecar's /v1.0/metadata capabilities (probeStateStoreSync).
 */
import { join } from 'node:path';
import { componentYaml, probeStateStoreSync, runStateConformance, startSidecar, stopAll, tempDir, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const appId = 'conformance-sqlite';
const data = tempDir('minidapr-sqlite-conf-');
const resources = { 'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: join(data.path, 'state.db') }) };
const probe = probeStateStoreSync({ appId, storeName: 'statestore', resources });

let sidecar: Sidecar | undefined;

beforeAll(async () => {
  sidecar = await startSidecar({ appId, resources });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
  data.remove();
});

it('reports ETAG, TRANSACTIONAL, TTL, QUERY_API and ACTOR in /v1.0/metadata (the claims the suite is gated on)', () => {
  expect('features' in probe && [...probe.features].sort()).toEqual(['ACTOR', 'ETAG', 'QUERY_API', 'TRANSACTIONAL', 'TTL']);
});

runStateConformance({
  storeName: 'statestore',
  sidecarUrl: () => (sidecar as Sidecar).url,
  features: 'features' in probe ? probe.features : [],
  // ETags are UUID strings compared as text: any string is well-formed, so there is no 400 case.
});

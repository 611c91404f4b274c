/**
 * Conformance: state.in-memory through the HTTP state API. The features come from the sidecar's
 * /v1.0/metadata capabilities (probeStateStoreSync), so the claims and the gated cases cannot drift.
 */
import { componentYaml, probeStateStoreSync, runStateConformance, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const appId = 'conformance-in-memory';
const resources = { 'statestore.yaml': componentYaml('statestore', 'state.in-memory') };
const probe = probeStateStoreSync({ appId, storeName: 'statestore', resources });

let sidecar: Sidecar | undefined;

beforeAll(async () => {
  sidecar = await startSidecar({ appId, resources });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

it('reports ETAG, TRANSACTIONAL, TTL and ACTOR in /v1.0/metadata (the claims the suite is gated on)', () => {
  expect('features' in probe && [...probe.features].sort()).toEqual(['ACTOR', 'ETAG', 'TRANSACTIONAL', 'TTL']);
});

runStateConformance({
  storeName: 'statestore',
  sidecarUrl: () => (sidecar as Sidecar).url,
  features: 'features' in probe ? probe.features : [],
  // In-memory ETags are free-form UUID strings: any string is well-formed, so there is no 400 case.
});

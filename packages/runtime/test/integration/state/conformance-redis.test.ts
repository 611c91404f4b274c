/**
 * Conformance: state.redis through the HTTP state API, against Redis on 127.0.0.1:6379 (skipped
 * with a visible SKIPPED line when it is not running; a failure under CI=true). The features come
 * from the sidecar's /v1.0/metadata capabilities (probeStateStoreSync). Every key has a random
 * per-run prefix and the suite deletes what it wrote.
 */
import { componentYaml, probeStateStoreSync, runStateConformance, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const appId = 'conformance-redis';
const resources = { 'statestore.yaml': componentYaml('statestore', 'state.redis', { redisHost: '127.0.0.1:6379' }) };
const probe = probeStateStoreSync({ appId, storeName: 'statestore', resources, services: [{ name: 'Redis', host: '127.0.0.1', port: 6379 }] });

let sidecar: Sidecar | undefined;

beforeAll(async () => {
  if ('features' in probe) sidecar = await startSidecar({ appId, resources });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

('features' in probe ? it : it.skip)('reports ETAG, TRANSACTIONAL, TTL and ACTOR in /v1.0/metadata (the claims the suite is gated on)', () => {
  expect('features' in probe && [...probe.features].sort()).toEqual(['ACTOR', 'ETAG', 'TRANSACTIONAL', 'TTL']);
});

runStateConformance({
  storeName: 'statestore',
  sidecarUrl: () => (sidecar as Sidecar).url,
  features: 'features' in probe ? probe.features : [],
  skipAll: 'skip' in probe ? probe.skip : undefined,
  // ETags are integer versions: a non-numeric ETag is malformed (400).
  badEtag: 'not-a-number',
});

/**
 * Conformance: state.postgresql through the HTTP state API, against PostgreSQL on 127.0.0.1:5432
 * (database `test`; skipped with a visible SKIPPED line when it is not running, a failure under
 * CI=true). Uses its own randomly named tables, dropped afterwards. The features come from the
 * sidecar's /v1.0/metadata capabilities (probeStateStoreSync).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { componentYaml, probeStateStoreSync, runStateConformance, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const appId = 'conformance-postgresql';
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const TABLE = `state_conf_${suffix}`;
const META = `state_conf_meta_${suffix}`;
const resources = {
  'statestore.yaml': componentYaml('statestore', 'state.postgresql', {
    connectionString: 'host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable',
    tableName: TABLE,
    metadataTableName: META,
  }),
};
const probe = probeStateStoreSync({ appId, storeName: 'statestore', resources, services: [{ name: 'PostgreSQL', host: '127.0.0.1', port: 5432 }] });

let sidecar: Sidecar | undefined;

beforeAll(async () => {
  if ('features' in probe) sidecar = await startSidecar({ appId, resources });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
  if (!('features' in probe)) return;
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await admin.connect();
  try {
    for (const t of [TABLE, META]) await admin.query(`DROP TABLE IF EXISTS ${t}`);
  } finally {
    await admin.end();
  }
});

('features' in probe ? it : it.skip)('reports ETAG, TRANSACTIONAL, TTL, QUERY_API and ACTOR in /v1.0/metadata (the claims the suite is gated on)', () => {
  expect('features' in probe && [...probe.features].sort()).toEqual(['ACTOR', 'ETAG', 'QUERY_API', 'TRANSACTIONAL', 'TTL']);
});

runStateConformance({
  storeName: 'statestore',
  sidecarUrl: () => (sidecar as Sidecar).url,
  features: 'features' in probe ? probe.features : [],
  skipAll: 'skip' in probe ? probe.skip : undefined,
  // ETags are UUIDs: anything else is malformed (400).
  badEtag: 'not-a-uuid',
});

/**
 * Conformance: bindings.postgresql through the HTTP bindings API, against PostgreSQL on 127.0.0.1:5432
 * (database `test`; skipped with a visible SKIPPED line when it is not running, a failure under
 * CI=true). The component uses the legacy `url` metadata, as the bindings quickstart does, and the
 * `bindings.postgres` alias; the exec/query cases use their own randomly named table, dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { componentYaml, runBindingsConformance, serviceAvailable } from '@minidapr/testkit';

jest.setTimeout(30000);

const TABLE = `bind_conf_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

afterAll(async () => {
  // The suite drops the table; this is the safety net when a case failed half-way.
  if (!(await serviceAvailable('127.0.0.1', 5432))) return;
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await admin.connect();
  try {
    await admin.query(`DROP TABLE IF EXISTS ${TABLE}`);
  } finally {
    await admin.end();
  }
});

runBindingsConformance({
  bindingName: 'sqldb',
  resources: {
    'sqldb.yaml': componentYaml('sqldb', 'bindings.postgres', {
      url: 'user=postgres host=127.0.0.1 port=5432 dbname=test sslmode=disable pool_min_conns=1 pool_max_conns=4',
      direction: 'output',
    }),
  },
  operations: ['exec', 'query', 'close', 'operations'],
  sqlTable: TABLE,
  services: [{ name: 'PostgreSQL', host: '127.0.0.1', port: 5432 }],
});

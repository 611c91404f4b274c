/**
 * compose/bindings without containers, one variant per profile: the sidecar's cron input binding
 * calls the batch app every 10 s, and the app writes orders.json through the `sqldb` output
 * binding into PostgreSQL: the machine's server through the forwarder, in a database of its own
 * (the compose container would create `orders` on first start; here each run gets a fresh one).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Topology } from '../../../src/netns';
import { expectCleanStop, skipReason, startStep, VARIANTS, expectMtls } from './helpers';

jest.setTimeout(120000);
const maybe = skipReason('bindings', { postgres: true }) ? it.skip : it;

const admin = () => new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
let topo: Topology | undefined;
const databases: string[] = [];
afterEach(async () => {
  await topo?.stop();
  topo = undefined;
});
afterAll(async () => {
  if (!databases.length) return;
  const c = admin();
  await c.connect();
  for (const db of databases) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await c.end();
});

maybe.each(VARIANTS)('profile %s: a cron tick makes the batch app store the 3 orders in PostgreSQL', async (profile, suffix) => {
  const db = `minidapr_netns_${randomBytes(4).toString('hex')}`;
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE ${db}`);
  databases.push(db);
  await c.end();

  const app = `batch-${suffix}`;
  // The same secret as compose/secrets.env, pointing at this run's database (`postgres` resolves to the bridge).
  const connection = `postgres://postgres:minidapr-compose-postgres@postgres:5432/${db}`;
  topo = await startStep('bindings', [profile], { serviceEnv: { [`${app}-dapr`]: { SQLDB_CONNECTION_STRING: connection } } });
  const t = topo;
  expect(t.plan.groups.map((g) => g.services)).toEqual([['trust-root'], [app, `${app}-dapr`]]);
  expect(t.plan.externals).toEqual([{ name: 'postgres', port: 5432 }]);
  // The lines the variant's README shows (the cron binding fires every 10 s).
  await t.waitForOutput(app, 'Table orders is ready', 20000);
  await t.waitForOutput(app, 'Processing batch 1: 3 orders from orders.json', 20000);
  await t.waitForOutput(app, 'Finished processing batch 1', 10000);

  const q = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: db });
  await q.connect();
  const rows = await q.query<{ orderid: number }>('SELECT orderid FROM orders ORDER BY orderid');
  await q.end();
  expect(rows.rows.length).toBe(3);
  expect(t.forwardedConnections('postgres')).toBeGreaterThan(0);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});

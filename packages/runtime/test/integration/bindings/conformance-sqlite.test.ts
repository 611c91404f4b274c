/**
 * Conformance: bindings.sqlite through the HTTP bindings API, on a database file in a temp dir. The
 * claimed operations are those of components-contrib's postgres entry (the two share their shapes),
 * plus the exec/query/close round trips.
 */
import { join } from 'node:path';
import { componentYaml, runBindingsConformance, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

const data = tempDir('minidapr-bindings-sqlite-conf-');

afterAll(() => data.remove());

runBindingsConformance({
  bindingName: 'sqldb',
  resources: { 'sqldb.yaml': componentYaml('sqldb', 'bindings.sqlite', { connectionString: join(data.path, 'orders.db') }) },
  operations: ['exec', 'query', 'close', 'operations'],
  sqlTable: 'orders_conf',
});

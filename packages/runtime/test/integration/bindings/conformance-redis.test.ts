/**
 * Conformance: bindings.redis through the HTTP bindings API, against Redis on 127.0.0.1:6379 (skipped
 * with a visible SKIPPED line when it is not running, a failure under CI=true). Claims every
 * operation the binding has (contrib's config claims only create), so get-after-create and
 * get-after-delete are checked too. The key is unique per run and deleted by the delete case.
 */
import { randomUUID } from 'node:crypto';
import { componentYaml, runBindingsConformance } from '@minidapr/testkit';

jest.setTimeout(30000);

runBindingsConformance({
  bindingName: 'cache',
  resources: { 'cache.yaml': componentYaml('cache', 'bindings.redis', { redisHost: '127.0.0.1:6379' }) },
  operations: ['create', 'get', 'delete', 'increment', 'operations'],
  outputMetadata: { key: `minidapr-test:bindings-conf:${randomUUID()}` },
  services: [{ name: 'Redis', host: '127.0.0.1', port: 6379 }],
});

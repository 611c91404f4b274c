/**
 * Conformance: bindings.cron (input only) through a real sidecar and app: with `@every 1s` (as in
 * components-contrib's cron config) the app receives POST /<name> events. Claims `read`, as contrib does.
 */
import { componentYaml, runBindingsConformance } from '@minidapr/testkit';

jest.setTimeout(30000);

runBindingsConformance({
  bindingName: 'cron-binding',
  resources: { 'cron.yaml': componentYaml('cron-binding', 'bindings.cron', { schedule: '@every 1s' }) },
  operations: ['read'],
  readTimeoutMs: 10000,
});

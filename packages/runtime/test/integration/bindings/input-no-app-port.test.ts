/**
 * Scenario: a sidecar without --app-port has no app channel, so its input bindings are never read:
 * the cron binding loads (and is listed) but never fires, and nothing is logged about reading it.
 */
import { componentYaml, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;

beforeAll(async () => {
  sidecar = await startSidecar({
    appId: 'no-app',
    args: ['--log-level', 'debug'],
    resources: { 'cron.yaml': componentYaml('cron', 'bindings.cron', { schedule: '@every 1s', direction: 'input' }) },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

it('loads the binding but never reads it', async () => {
  const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { components: Array<{ name: string; capabilities?: string[] }> };
  expect(meta.components).toContainEqual({ name: 'cron', type: 'bindings.cron', version: 'v1', capabilities: ['INPUT_BINDING'] });
  // Long enough for two ticks of @every 1s, had the binding been read.
  await new Promise((r) => setTimeout(r, 2200));
  const output = sidecar.process.output();
  expect(output).toContain('Component loaded: cron');
  expect(output).not.toContain('reading input binding');
  expect(output).not.toContain('fired at');
  expect(sidecar.process.child.exitCode).toBeNull();
});

import { freePort, startSidecar, type Sidecar } from '@minidapr/testkit';
import { cleanup, minidapr, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
let sidecar: Sidecar | undefined;
afterAll(async () => {
  await sidecar?.stop();
  await cleanup(s);
});

it('watches the sidecars of --sidecar and MINIDAPR_DASHBOARD_SIDECARS (no registry entries)', async () => {
  sidecar = await startSidecar({ appId: 'boxed' }); // its own home: not in the scenario's registry
  const [port, ghost] = [await freePort(), await freePort()];
  const env = { ...s.env, MINIDAPR_DASHBOARD_SIDECARS: `ghost=127.0.0.1:${ghost}:${ghost}` };
  const d = minidapr(s, ['dashboard', '-p', String(port), '-a', '127.0.0.1', '--no-collector', '--sidecar', `boxed=127.0.0.1:${sidecar.httpPort}:${sidecar.metricsPort}`], s.dir.path, env);
  await d.waitForOutput('Press Ctrl-C to stop', 15000);
  expect(d.stdout()).toContain(`Watching sidecar boxed at 127.0.0.1:${sidecar.httpPort} (metrics port ${sidecar.metricsPort})`);
  const apps = (await (await fetch(`http://127.0.0.1:${port}/api/apps`)).json()) as Array<Record<string, unknown>>;
  expect(apps.map((a) => [a.appId, a.health, a.source])).toEqual([
    ['ghost', 'unhealthy', 'static'],
    ['boxed', 'healthy', 'static'],
  ]);
  d.child.kill('SIGINT');
  expect((await d.exited).code).toBe(0);
});

it('rejects a malformed --sidecar naming the flag and the value', async () => {
  const d = minidapr(s, ['dashboard', '-p', '0', '--no-collector', '--sidecar', 'boxed']);
  expect((await d.exited).code).toBe(1);
  expect(d.stderr()).toContain('--sidecar "boxed": missing the app id');
});

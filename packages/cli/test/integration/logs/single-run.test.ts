import { join } from 'node:path';
import { startSidecar } from '@minidapr/testkit';
import { cleanup, listJson, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(40000);
const s = scenario();
afterAll(() => cleanup(s));

it('a single minidapr run writes log files too, and prints to the console as before', async () => {
  s.dir.write({ 'single.js': 'console.log("single up"); setInterval(() => {}, 1000);' });
  const single = minidapr(s, ['run', '-a', 'single', '--', 'node', 'single.js']);
  await single.waitForOutput("You're up and running!", 20000);
  await single.waitForOutput('single up', 10000);
  expect(single.stdout()).toMatch(/^single up$/m); // the app's lines stay unprefixed on the console
  expect(single.stdout()).toMatch(/^== DAPR == /m);

  const [app] = await listJson(s);
  expect(app?.appLogPath.startsWith(join(s.home.path, 'logs', 'single', 'single_app_'))).toBe(true);
  expect(app?.daprdLogPath.startsWith(join(s.home.path, 'logs', 'single', 'single_daprd_'))).toBe(true);
  const r = await minidaprDone(s, ['logs', '-a', 'single']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('== APP - single == single up');
  expect(r.stdout).toMatch(/^== DAPR - single == .*Starting minidaprd/m);

  single.child.kill('SIGINT');
  expect((await single.exited).code).toBe(0);
});

it('says why a sidecar not started by minidapr run has no log files', async () => {
  const sidecar = await startSidecar({ appId: 'bare', home: s.home.path });
  try {
    const r = await minidaprDone(s, ['logs', '-a', 'bare']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('app id bare has no log files: its sidecar was not started by minidapr run');
  } finally {
    await sidecar.stop();
  }
});

/** Scenario: after `minidapr init`, two apps of a run file call each other over mTLS with no extra flag. */
import { freePort } from '@minidapr/testkit';
import { callerApp, cleanup, ECHO_APP, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('init, then run -f: the sidecars get workload certificates and the call goes over mTLS', async () => {
  const init = await minidaprDone(s, ['init']);
  expect(init.code).toBe(0);
  expect(init.stdout).toContain('Created the mTLS trust root');
  const appPort = await freePort();
  s.dir.write({
    'order-processor/app.js': ECHO_APP,
    'checkout/app.js': callerApp('order-processor', 'orders'),
    'dapr.yaml': [
      'version: 1',
      'common:',
      '  daprdLogDestination: console',
      'apps:',
      '  - appDirPath: ./order-processor/',
      `    appPort: ${appPort}`,
      '    command: ["node", "app.js"]',
      '  - appID: checkout',
      '    appDirPath: ./checkout/',
      '    command: ["node", "app.js"]',
    ].join('\n'),
  });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('== APP - checkout == Order passed:', 15000);
  const out = run.stdout();
  expect(out).toContain('mTLS enabled: workload certificate spiffe://public/ns/default/order-processor');
  expect(out).toContain('mTLS enabled: workload certificate spiffe://public/ns/default/checkout');
  expect(out).toMatch(/sidecar-to-sidecar on [^ ]+ \(mTLS\)/);
  expect(out).not.toContain('mTLS is off');
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
});

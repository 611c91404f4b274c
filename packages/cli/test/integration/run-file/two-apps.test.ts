import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '@minidapr/testkit';
import { callerApp, cleanup, ECHO_APP, listJson, minidapr, scenario, waitAllGone } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('runs two apps from dapr.yaml; one calls the other through its sidecar; output is prefixed and logged', async () => {
  const appPort = await freePort();
  s.dir.write({
    'order-processor/app.js': ECHO_APP,
    'checkout/app.js': callerApp('order-processor', 'orders'),
    'dapr.yaml': [
      'version: 1',
      'apps:',
      '  - appDirPath: ./order-processor/',
      `    appPort: ${appPort}`,
      '    command: ["node", "app.js"]',
      '  - appID: checkout',
      '    appDirPath: ./checkout/',
      '    command: ["node", "app.js"]',
      '    daprdLogDestination: console',
    ].join('\n'),
  });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('== APP - checkout == Order passed:', 15000);
  await run.waitForOutput('Exited App successfully (app id "checkout")', 10000);
  const out = run.stdout();
  expect(out).toContain('Validating config and starting app "order-processor"');
  expect(out).toContain('Validating config and starting app "checkout"');
  expect(out).toMatch(/Started Dapr with app id "order-processor"\. HTTP Port: \d+\./);
  expect(out).toMatch(/Started Dapr with app id "checkout"\. HTTP Port: \d+\./);
  const procLogs = join(s.dir.path, 'order-processor', '.minidapr', 'logs');
  expect(out).toContain(`Writing log files to directory : ${procLogs}`);
  expect(out).toContain(`== APP - order-processor == listening on ${appPort}`);
  expect(out).toContain('== APP - order-processor == request POST /orders {"orderId":1}');
  expect(out).toMatch(/^== DAPR - checkout == .*Starting minidaprd/m); // daprdLogDestination: console
  expect(out).not.toMatch(/^== DAPR - order-processor == /m); // default: file only
  expect(out).toContain('Exited App successfully (app id "checkout")'); // checkout ends on its own…
  expect(out).not.toContain('terminated signal received');

  // …while order-processor keeps running, with its metadata; checkout's sidecar keeps running too
  // (as with dapr run -f), no longer claiming the app's pid
  await waitFor('checkout appPID cleared', async () => (await listJson(s)).find((a) => a.appId === 'checkout')?.appPid === 0);
  const apps = await listJson(s);
  expect(apps.map((a) => a.appId).sort()).toEqual(['checkout', 'order-processor']);
  const proc = apps.find((a) => a.appId === 'order-processor');
  const checkout = apps.find((a) => a.appId === 'checkout');
  if (!proc || !checkout) throw new Error('an app is not listed');
  expect(proc.runTemplatePath).toBe(join(s.dir.path, 'dapr.yaml'));
  expect(proc.cliPid).toBe(run.pid);
  expect(proc.command).toBe('node app.js');
  expect(existsSync(proc.appLogPath)).toBe(true);
  expect(existsSync(proc.daprdLogPath)).toBe(true);
  expect(proc.appLogPath).toMatch(/order-processor_app_\d{14}\.log$/);
  expect(proc.daprdLogPath).toMatch(/order-processor_daprd_\d{14}\.log$/);
  await waitFor('app log lines', () => readFileSync(proc.appLogPath, 'utf8').includes('request POST /orders'));
  expect(readFileSync(proc.daprdLogPath, 'utf8')).toContain('Starting minidaprd');
  const checkoutLogs = readdirSync(join(s.dir.path, 'checkout', '.minidapr', 'logs'));
  expect(checkoutLogs.some((f) => /^checkout_app_\d{14}\.log$/.test(f))).toBe(true);
  expect(checkoutLogs.some((f) => f.includes('_daprd_'))).toBe(false);

  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
  expect(run.stdout()).toContain('terminated signal received: shutting down');
  expect(run.stdout()).toContain('Exited App successfully (app id "order-processor")');
  expect(run.stdout()).toContain('Exited Dapr successfully (app id "checkout")');
  await waitAllGone([proc.daprdPid, proc.appPid, checkout.daprdPid], [proc.httpPort, appPort, checkout.httpPort], 3000);
});

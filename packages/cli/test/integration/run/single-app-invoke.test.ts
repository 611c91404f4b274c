import { freePort } from '@minidapr/testkit';
import { cleanup, ECHO_APP, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('runs an app with its sidecar, passes the Dapr env, and minidapr invoke reaches it', async () => {
  s.dir.write({ 'app.js': ECHO_APP });
  await minidaprDone(s, ['init']);
  const appPort = await freePort();
  const httpPort = await freePort();
  const run = minidapr(s, ['run', '--app-id', 'echo', '--app-port', String(appPort), '--dapr-http-port', String(httpPort), '--', 'node', 'app.js']);
  await run.waitForOutput("You're up and running! Both Dapr and your app logs will appear here.", 15000);
  const out = run.stdout();
  expect(out).toContain(`Waiting for the sidecar on port ${httpPort} (up to 20s)`);
  expect(out).toContain(`Waiting for the app to listen on port ${appPort} (up to 60s)`);
  expect(out).toMatch(/^== DAPR == .*Starting minidaprd/m);
  expect(out).toMatch(new RegExp(`^listening on ${appPort}$`, 'm')); // app output is not prefixed

  const inv = await minidaprDone(s, ['invoke', '--app-id', 'echo', '--method', 'neworder', '--data', '{"orderId":"42"}']);
  expect(inv.stderr).toBe('');
  expect(inv.code).toBe(0);
  const [body, done] = inv.stdout.trim().split('\n');
  expect(JSON.parse(body as string)).toEqual({ app: 'echo', method: 'POST', url: '/neworder', body: '{"orderId":"42"}' });
  expect(done).toBe('App invoked successfully');
  await run.waitForOutput('request POST /neworder {"orderId":"42"}');

  const get = await minidaprDone(s, ['invoke', '-a', 'echo', '-m', 'orders/7', '-v', 'GET']);
  expect(get.code).toBe(0);
  expect(JSON.parse(get.stdout.split('\n')[0] as string)).toMatchObject({ method: 'GET', url: '/orders/7' });

  const notFound = await minidaprDone(s, ['invoke', '-a', 'ghost', '-m', 'x']);
  expect(notFound.code).toBe(1);
  expect(notFound.stderr).toContain('app id ghost');
});

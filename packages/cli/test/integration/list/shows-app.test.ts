import { freePort } from '@minidapr/testkit';
import { cleanup, ECHO_APP, listJson, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('lists the running app as a table and as json', async () => {
  s.dir.write({ 'app.js': ECHO_APP });
  const appPort = await freePort();
  const run = minidapr(s, ['run', '--app-id', 'listed', '--app-port', String(appPort), '--', 'node', 'app.js']);
  await run.waitForOutput("You're up and running!", 15000);

  const table = await minidaprDone(s, ['list']);
  expect(table.code).toBe(0);
  const [header, row] = table.stdout.trim().split('\n');
  expect(header).toMatch(/^APP ID\s+HTTP PORT\s+GRPC PORT\s+APP PORT\s+COMMAND\s+AGE\s+CREATED\s+DAPRD PID\s+CLI PID\s+APP PID\s+RUN_TEMPLATE_PATH$/);
  expect(row?.split(/\s{2,}/).slice(0, 5)).toEqual(['listed', expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/), String(appPort), 'node app.js']);

  const [app] = await listJson(s);
  expect(app).toMatchObject({ appId: 'listed', appPort, grpcPort: expect.any(Number), command: 'node app.js', cliPid: run.pid, runTemplatePath: '' });
  expect(app?.appPid).toBeGreaterThan(0);
  expect(app?.daprdPid).toBeGreaterThan(0);

  const yaml = await minidaprDone(s, ['list', '-o', 'yaml']);
  expect(yaml.stdout).toContain('appId: listed');

  run.child.kill('SIGTERM');
  await run.exited;
  const after = await minidaprDone(s, ['list']);
  expect(after.stdout).toBe('No Dapr instances found.\n');
});

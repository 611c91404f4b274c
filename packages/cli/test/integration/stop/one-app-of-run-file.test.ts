import { canBind, freePort } from '@minidapr/testkit';
import { alive, cleanup, ECHO_APP, listJson, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('stop --app-id ends one app of a multi-app run and leaves the others running', async () => {
  const ports = [await freePort(), await freePort()];
  s.dir.write({
    'a/app.js': ECHO_APP,
    'b/app.js': ECHO_APP,
    'dapr.yaml': ['version: 1', 'apps:', ...['a', 'b'].flatMap((id, i) => [`  - appDirPath: ./${id}`, `    appPort: ${ports[i]}`, '    command: [node, app.js]'])].join('\n'),
  });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('All 2 apps are running', 15000);
  const before = await listJson(s);
  const a = before.find((x) => x.appId === 'a');
  if (!a) throw new Error('a not listed');

  const stop = await minidaprDone(s, ['stop', '--app-id', 'a']);
  expect(stop.stderr).toBe('');
  expect(stop).toMatchObject({ code: 0, stdout: 'app stopped successfully: a\n' });
  expect(alive(a.appPid) || alive(a.daprdPid)).toBe(false);
  expect(await canBind(a.httpPort)).toBe(true);
  await run.waitForOutput('Exited Dapr successfully (app id "a")');
  expect(run.stdout()).toContain('App "a" was stopped (SIGTERM)');
  expect(run.output()).not.toContain('exited unexpectedly');
  expect(run.output()).not.toContain('could not store'); // the run recorded the app's end before stop ended the sidecar
  expect((await listJson(s)).map((x) => x.appId)).toEqual(['b']);
  expect(alive(run.pid)).toBe(true);

  expect((await minidaprDone(s, ['stop', '-f', '.'])).stdout).toBe('app stopped successfully: b\nDapr and app processes stopped successfully\n');
  expect((await run.exited).code).toBe(0);
});

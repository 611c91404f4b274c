import { alive, cleanup, listJson, minidapr, minidaprDone, scenario, waitAllGone } from '../helpers';

jest.setTimeout(40000);
const s = scenario({ MINIDAPR_STOP_GRACE_SECONDS: '2' });
afterAll(() => cleanup(s));

/** Two apps that each save one value through their sidecar and exit (like upstream state_management). */
function writeApps(): void {
  const app = (id: string): string => `
const port = process.env.DAPR_HTTP_PORT;
fetch('http://127.0.0.1:' + port + '/v1.0/healthz').then((r) => { console.log('${id} saw its sidecar: ' + r.status); });
`;
  s.dir.write({ 'one/app.js': app('one'), 'two/app.js': app('two') });
}

async function sidecarAnswers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/v1.0/healthz/outbound`)).status === 204;
  } catch {
    return false;
  }
}

it('keeps the sidecars running after every app has exited, until a signal; then nothing is left', async () => {
  writeApps();
  s.dir.write({ 'dapr.yaml': ['version: 1', 'apps:', '  - appDirPath: ./one', '    command: [node, app.js]', '  - appDirPath: ./two', '    command: [node, app.js]'].join('\n') });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('All apps have exited; their sidecars keep running', 20000);
  expect(run.stdout()).toContain('== APP - one == one saw its sidecar: 204');
  expect(run.stdout()).toContain('Exited App successfully (app id "one")');
  expect(run.stdout()).toContain('Exited App successfully (app id "two")');
  expect(run.stdout()).not.toContain('Exited Dapr successfully');
  expect(alive(run.pid)).toBe(true);
  const apps = await listJson(s);
  expect(apps.map((a) => [a.appId, a.appPid]).sort()).toEqual([
    ['one', 0],
    ['two', 0],
  ]);
  for (const a of apps) expect(await sidecarAnswers(a.httpPort)).toBe(true);

  run.child.kill('SIGTERM');
  expect((await run.exited).code).toBe(0);
  expect(run.stdout()).toContain('terminated signal received: shutting down');
  expect(run.stdout()).toContain('Exited Dapr successfully (app id "one")');
  expect(run.stdout()).toContain('Exited Dapr successfully (app id "two")');
  expect(run.stdout().match(/Exited App successfully \(app id "one"\)/g)).toHaveLength(1); // reported once, when it exited
  await waitAllGone(apps.map((a) => a.daprdPid), apps.map((a) => a.httpPort), 5000);
  expect(await listJson(s)).toEqual([]);
});

it('stop -f ends a run whose apps have all exited, and reports an app that failed', async () => {
  writeApps();
  s.dir.write({
    'three/app.js': 'console.error("boom"); process.exit(4);',
    'stop.yaml': ['version: 1', 'apps:', '  - appDirPath: ./one', '    command: [node, app.js]', '  - appDirPath: ./three', '    command: [node, app.js]'].join('\n'),
  });
  const run = minidapr(s, ['run', '-f', 'stop.yaml']);
  await run.waitForOutput('All apps have exited; their sidecars keep running', 20000);
  expect(run.stderr()).toContain('The App process of "three" exited with error code: 4');
  const apps = await listJson(s);
  expect(apps).toHaveLength(2);

  const stop = await minidaprDone(s, ['stop', '-f', 'stop.yaml']);
  expect(stop.code).toBe(0);
  expect(stop.stdout).toContain('Dapr and app processes stopped successfully');
  expect((await run.exited).code).toBe(1); // an app failed
  for (const a of apps) expect(alive(a.daprdPid)).toBe(false);
  expect(await listJson(s)).toEqual([]);
});

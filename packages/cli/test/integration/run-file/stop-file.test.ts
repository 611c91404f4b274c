import { join } from 'node:path';
import { canBind, freePort } from '@minidapr/testkit';
import { alive, cleanup, ECHO_APP, listJson, minidapr, minidaprDone, scenario, waitAllGone } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('stop -f stops every app of the run file and leaves no process behind', async () => {
  const ports = [await freePort(), await freePort()];
  s.dir.write({
    'apps/a/app.js': ECHO_APP,
    // b starts a grandchild that ignores SIGTERM: stop must still leave nothing behind
    'apps/b/app.js':
      ECHO_APP +
      "const g = require('child_process').spawn(process.execPath, ['-e', \"process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)\"], { stdio: 'ignore' });\n" +
      "console.log('grandchild ' + g.pid);\n",
    'apps/dapr.yaml': [
      'version: 1',
      'apps:',
      '  - appDirPath: ./a',
      `    appPort: ${ports[0]}`,
      '    command: [node, app.js]',
      '  - appDirPath: ./b',
      `    appPort: ${ports[1]}`,
      '    command: [node, app.js]',
    ].join('\n'),
  });
  const run = minidapr(s, ['run', '-f', 'apps'], s.dir.path, { ...s.env, MINIDAPR_STOP_GRACE_SECONDS: '1' });
  await run.waitForOutput('All 2 apps are running', 15000);
  await run.waitForOutput(/grandchild \d+/);
  const grandchild = Number(/grandchild (\d+)/.exec(run.stdout())?.[1]);
  expect(alive(grandchild)).toBe(true);
  const apps = await listJson(s);
  expect(apps.map((a) => a.appId).sort()).toEqual(['a', 'b']);
  for (const a of apps) expect(a.runTemplatePath).toBe(join(s.dir.path, 'apps', 'dapr.yaml'));

  const stop = await minidaprDone(s, ['stop', '-f', './apps/dapr.yaml']);
  expect(stop.stderr).toBe('');
  expect(stop.code).toBe(0);
  const lines = stop.stdout.split('\n').filter(Boolean);
  expect(lines.slice(0, 2).sort()).toEqual(['app stopped successfully: a', 'app stopped successfully: b']);
  expect(lines[2]).toBe('Dapr and app processes stopped successfully'); // Dapr's line
  expect(lines).toHaveLength(3);

  const pids = apps.flatMap((a) => [a.daprdPid, a.appPid]);
  for (const pid of [...pids, run.pid, grandchild]) expect(alive(pid)).toBe(false);
  for (const p of [...apps.map((a) => a.httpPort), ...ports]) expect(await canBind(p)).toBe(true);
  await waitAllGone(pids, []);
  expect(await listJson(s)).toEqual([]);

  // nothing left to stop: Dapr's message with the file's absolute path, on stderr, and exit 0
  const again = await minidaprDone(s, ['stop', '-f', 'apps']);
  expect(again).toEqual({
    code: 0,
    stdout: '',
    stderr: `Failed to stop Dapr and app processes: couldn't find apps with run file "${join(s.dir.path, 'apps', 'dapr.yaml')}"\n`,
  });
});

import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnProcess, tempDir, waitFor } from '@minidapr/testkit';
import { alive, CLI_BIN, cleanup, minidaprDone, scenario, waitAllGone, type ListedApp } from '../helpers';

jest.setTimeout(60000);
const s = scenario();
// the user's bin folder, in a path that does not contain "minidapr" (as ~/bin would not)
const userDir = tempDir('userbin-');
afterAll(async () => {
  await cleanup(s);
  userDir.remove();
});

/**
 * The layout of dapr/quickstarts bindings/javascript/http (our own small fixture): the run file's app
 * has appDirPath ./batch and resourcesPath ../../../components, relative to appDirPath.
 */
const STATE_APP = `
const base = 'http://127.0.0.1:' + process.env.DAPR_HTTP_PORT + '/v1.0/state/statestore';
(async () => {
  const save = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ key: 'order', value: { orderId: '1' } }]) });
  console.log('Saving Order: ' + save.status);
  console.log('Getting Order: ' + (await (await fetch(base + '/order')).text()));
})();
`;
const COMPONENT = ['apiVersion: dapr.io/v1alpha1', 'kind: Component', 'metadata:', '  name: statestore', 'spec:', '  type: state.in-memory', '  version: v1'].join('\n');

let userBin: string;
let quickstart: string;
const dapr = (args: string[], cwd = quickstart) =>
  spawnProcess(join(userBin, 'dapr'), args, { cwd, env: { ...s.env, PATH: `${userBin}:${process.env.PATH ?? ''}` } });
const done = async (args: string[]) => {
  const p = dapr(args);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
};

beforeAll(async () => {
  userBin = join(userDir.path, 'bin');
  mkdirSync(userBin);
  symlinkSync(CLI_BIN, join(userBin, 'dapr')); // ln -s $(command -v minidapr) ~/bin/dapr
  quickstart = join(s.dir.path, 'q', 'state', 'javascript', 'http');
  s.dir.write({
    'q/state/components/statestore.yaml': COMPONENT,
    'q/state/javascript/http/batch/index.js': STATE_APP,
    'q/state/javascript/http/dapr.yaml': ['version: 1', 'apps:', '  - appID: batch-http', '    appDirPath: ./batch', '    command: ["node", "index.js"]', '    resourcesPath: ../../../components'].join('\n'),
  });
  expect((await minidaprDone(s, ['init'])).code).toBe(0);
});

it('prints the same help and version through a dapr symlink as through minidapr', async () => {
  for (const args of [['--help'], ['run', '--help'], ['version'], ['list']]) {
    const viaDapr = await done(args);
    const direct = await minidaprDone(s, args, quickstart);
    expect(viaDapr).toEqual(direct);
    expect(viaDapr.code).toBe(0);
  }
});

it('dapr run -f . runs an app whose run file paths are relative to appDirPath; dapr stop -f . ends the run', async () => {
  const run = dapr(['run', '-f', '.']);
  await run.waitForOutput('All apps have exited; their sidecars keep running', 30000);
  const out = run.stdout();
  expect(out).toContain('Started Dapr with app id "batch-http"');
  expect(out).toContain('== APP - batch-http == Saving Order: 204');
  expect(out).toContain('== APP - batch-http == Getting Order: {"orderId":"1"}');
  expect(out).toContain('Exited App successfully');
  expect(out).toContain('Stop them with Ctrl-C or: dapr stop -f .'); // hints name the command the user typed
  expect(run.stderr()).toBe('');

  const listed = await done(['list', '-o', 'json']);
  const [app] = JSON.parse(listed.stdout) as ListedApp[];
  expect(app).toMatchObject({ appId: 'batch-http', cliPid: run.pid, runTemplatePath: join(quickstart, 'dapr.yaml') });

  const stop = await done(['stop', '-f', '.']);
  expect(stop).toEqual({ code: 0, stdout: 'app stopped successfully: batch-http\nDapr and app processes stopped successfully\n', stderr: '' });
  // stop signalled the run's CLI (recognised through the dapr symlink), which shut down cleanly
  expect((await run.exited).code).toBe(0);
  expect(run.stdout()).toContain('terminated signal received: shutting down');
  expect(run.stdout()).toContain('Exited Dapr successfully (app id "batch-http")');
  if (!app) throw new Error('batch-http not listed');
  await waitFor('sidecar gone', () => !alive(app.daprdPid));
  await waitAllGone([app.daprdPid], [app.httpPort]);
});

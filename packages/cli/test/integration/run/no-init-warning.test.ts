import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnProcess } from '@minidapr/testkit';
import { CLI_BIN, cleanup, minidaprDone, scenario } from '../helpers';

jest.setTimeout(40000);
const s = scenario();
afterAll(() => cleanup(s));

it('warns (naming what is missing and the fix) when minidapr init never ran, and still runs', async () => {
  s.dir.write({ 'app.js': 'console.log("app ran")' });
  const r = await minidaprDone(s, ['run', '-a', 'early', '--', 'node', 'app.js']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('app ran');
  expect(r.stderr).toContain(
    `Warning: ${join(s.home.path, 'components')} and ${join(s.home.path, 'config.yaml')} are missing (minidapr init was not run for this MINIDAPR_HOME), ` +
      'so the sidecar starts with no default components (statestore, pubsub) and the built-in default configuration. To create them, run: minidapr init',
  );
});

it('run -f names only what it would use (here: config.yaml, since the file names its resources)', async () => {
  s.dir.write({ 'res/.keep': '', 'a/app.js': 'console.log("a ran")', 'dapr.yaml': ['version: 1', 'common:', '  resourcesPath: ./res', 'apps:', '  - appDirPath: ./a', '    command: [node, app.js]'].join('\n') });
  const run = spawnProcess(process.execPath, [CLI_BIN, 'run', '-f', '.'], { cwd: s.dir.path, env: s.env });
  await run.waitForOutput('== APP - a == a ran', 20000);
  expect(run.stderr()).toContain(`Warning: ${join(s.home.path, 'config.yaml')} is missing (minidapr init was not run for this MINIDAPR_HOME), so the sidecar starts with the built-in default configuration. To create it, run: minidapr init`);
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
});

it('the fix reads npx minidapr init when the CLI is a local install of the project (node_modules/.bin)', async () => {
  const bin = join(s.dir.path, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(CLI_BIN, join(bin, 'minidapr'));
  s.dir.write({ 'sub/app.js': 'console.log("sub ran")' });
  // as npx runs it: node_modules/.bin first on PATH (which the user's shell does not have)
  const r = spawnProcess(join(bin, 'minidapr'), ['run', '-a', 'local', '--', 'node', 'app.js'], {
    cwd: join(s.dir.path, 'sub'),
    env: { ...s.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
  });
  expect((await r.exited).code).toBe(0);
  expect(r.stderr()).toContain('To create them, run: npx minidapr init');
});

it('no warning once init has run', async () => {
  expect((await minidaprDone(s, ['init'])).code).toBe(0);
  const r = await minidaprDone(s, ['run', '-a', 'later', '--', 'node', 'app.js']);
  expect(r.code).toBe(0);
  expect(r.stderr).not.toContain('Warning');
});

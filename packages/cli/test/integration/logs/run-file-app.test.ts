import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, listJson, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(40000);
const s = scenario();
afterAll(() => cleanup(s));

/** Prints a line, then one more each time it is asked (by a file appearing), forever. */
const TALKER = `
const fs = require('fs');
console.log('talker started');
let n = 0;
setInterval(() => {
  if (fs.existsSync('more')) { fs.unlinkSync('more'); n += 1; console.log('more ' + n); }
}, 50);
`;

it('prints the sidecar and app logs of a run -f app; --follow streams new lines until Ctrl-C', async () => {
  s.dir.write({ 'talker/app.js': TALKER, 'dapr.yaml': ['version: 1', 'apps:', '  - appDirPath: ./talker', '    command: [node, app.js]'].join('\n') });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('All 1 apps are running', 20000); // printed once the log paths are in the metadata
  await run.waitForOutput('== APP - talker == talker started', 10000);

  const r = await minidaprDone(s, ['logs', '--app-id', 'talker']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^== DAPR - talker == .*Starting minidaprd/m); // the sidecar's log file…
  expect(r.stdout).toContain('== APP - talker == talker started'); // …and the app's
  const [app] = await listJson(s);
  if (!app) throw new Error('talker not listed');
  expect(app.appLogPath.startsWith(join(s.dir.path, 'talker', '.minidapr', 'logs'))).toBe(true);

  const follow = minidapr(s, ['logs', '-a', 'talker', '--follow']);
  await follow.waitForOutput('== APP - talker == talker started', 10000);
  s.dir.write({ 'talker/more': '' });
  await follow.waitForOutput('== APP - talker == more 1', 10000);
  // a line the sidecar writes later shows too (appended to its file by hand here)
  appendFileSync(app.daprdLogPath, 'a late sidecar line\n');
  await follow.waitForOutput('== DAPR - talker == a late sidecar line', 10000);
  follow.child.kill('SIGINT');
  expect((await follow.exited).code).toBe(0);

  // --follow also ends by itself when the app's sidecar is gone
  const follow2 = minidapr(s, ['logs', '-a', 'talker', '-f']);
  await follow2.waitForOutput('talker started', 10000);
  run.child.kill('SIGTERM');
  expect((await run.exited).code).toBe(0);
  expect((await follow2.exited).code).toBe(0);
  expect(follow2.stderr()).toContain('app id talker is no longer running');
});

it('says why there are no logs: not running', async () => {
  const none = await minidaprDone(s, ['logs', '-a', 'nobody']);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("failed to get logs for app id nobody: couldn't find app id nobody; it is not running");
});

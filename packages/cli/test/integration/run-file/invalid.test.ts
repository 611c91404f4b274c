import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, listJson, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('rejects an invalid run file before anything starts, naming the field', async () => {
  s.dir.write({
    'good/app.js': 'setInterval(() => {}, 1000)',
    'dapr.yaml': ['version: 1', 'apps:', '  - appDirPath: ./good', '    command: [node, app.js]', '  - appDirPath: ./nope', '    appPort: "3000"'].join('\n'),
  });
  const r = await minidaprDone(s, ['run', '-f', '.']);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('dapr.yaml: apps[1].appDirPath: ./nope does not exist');
  expect(r.stderr).toContain('dapr.yaml: apps[1].appPort: must be a port number from 0 to 65535, got "3000"');
  expect(r.stderr).toContain("Run 'minidapr run --help' for usage.");
  expect(existsSync(join(s.dir.path, 'good', '.minidapr'))).toBe(false);
  expect(await listJson(s)).toEqual([]);
});

it('names a missing run file', async () => {
  const r = await minidaprDone(s, ['run', '-f', 'missing.yaml']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('--run-file: missing.yaml does not exist');
});

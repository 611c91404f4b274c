/** Scenario: a bindings.cron component with a bad schedule stops start-up, naming the file, component and field. */
import { componentYaml, freePort, minidaprdBin, spawnProcess, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
const res = tempDir('minidapr-res-');

afterAll(async () => {
  await stopAll();
  home.remove();
  res.remove();
});

it('refuses to start and says why', async () => {
  res.write({ 'ticker.yaml': componentYaml('ticker', 'bindings.cron', { schedule: '@every ten seconds' }) });
  const p = spawnProcess(process.execPath, [minidaprdBin(), '--app-id', 'a', '--dapr-http-port', String(await freePort()), '--resources-path', res.path], {
    env: { ...process.env, MINIDAPR_HOME: home.path },
  });
  const { code } = await p.exited;
  expect(code).toBe(1);
  expect(p.output()).toMatch(
    /ticker\.yaml: component "ticker" \(bindings\.cron\/v1\): component bindings\.cron: metadata field "schedule" is not a valid schedule: "@every ten seconds" is not a Go duration/,
  );
});

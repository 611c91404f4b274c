/** Scenario: a state.redis component whose Redis is unreachable stops start-up with a message naming redisHost. */
import { componentYaml, freePort, minidaprdBin, spawnProcess, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

afterAll(async () => {
  await stopAll();
});

it('exits 1 naming the file, the component and redisHost', async () => {
  const home = tempDir('minidapr-home-');
  const res = tempDir('minidapr-res-');
  // A free port nobody listens on: the connection is refused at once.
  const deadPort = await freePort();
  res.write({ 'statestore.yaml': componentYaml('statestore', 'state.redis', { redisHost: `127.0.0.1:${deadPort}`, dialTimeout: '2s' }) });
  try {
    const args = [minidaprdBin(), '--app-id', 'redis-init', '--dapr-http-port', String(await freePort()), '--resources-path', res.path];
    const p = spawnProcess(process.execPath, args, { env: { ...process.env, MINIDAPR_HOME: home.path } });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toMatch(new RegExp(`statestore\\.yaml: component "statestore".*error connecting to redis at 127\\.0\\.0\\.1:${deadPort} \\(metadata redisHost\\)`));
  } finally {
    res.remove();
    home.remove();
  }
});

it('exits 1 naming redisType for a cluster', async () => {
  const home = tempDir('minidapr-home-');
  const res = tempDir('minidapr-res-');
  res.write({ 'statestore.yaml': componentYaml('statestore', 'state.redis', { redisHost: '127.0.0.1:6379', redisType: 'cluster' }) });
  try {
    const args = [minidaprdBin(), '--app-id', 'redis-init', '--dapr-http-port', String(await freePort()), '--resources-path', res.path];
    const p = spawnProcess(process.execPath, args, { env: { ...process.env, MINIDAPR_HOME: home.path } });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toContain('metadata field "redisType" is "cluster": Redis Cluster is not supported');
  } finally {
    res.remove();
    home.remove();
  }
});

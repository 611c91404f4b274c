/**
 * Scenario: a state.postgresql component whose server is unreachable stops start-up with a message
 * naming the file, the component and the connection target, without the password. Needs no PostgreSQL.
 */
import { componentYaml, freePort, minidaprdBin, spawnProcess, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

afterAll(async () => {
  await stopAll();
});

it('exits 1 naming the component and user@host:port/db, never the password', async () => {
  const home = tempDir('minidapr-home-');
  const res = tempDir('minidapr-res-');
  // A free port nobody listens on: the connection is refused at once.
  const deadPort = await freePort();
  const connectionString = `postgres://dapr:s3cr3t-pw@127.0.0.1:${deadPort}/orders?sslmode=disable`;
  res.write({ 'statestore.yaml': componentYaml('statestore', 'state.postgresql', { connectionString, timeout: '2s' }) });
  try {
    const args = [minidaprdBin(), '--app-id', 'pg-init', '--dapr-http-port', String(await freePort()), '--resources-path', res.path];
    const p = spawnProcess(process.execPath, args, { env: { ...process.env, MINIDAPR_HOME: home.path } });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toMatch(new RegExp(`statestore\\.yaml: component "statestore".*PostgreSQL state store at dapr@127\\.0\\.0\\.1:${deadPort}/orders.*ECONNREFUSED`));
    expect(p.output()).not.toContain('s3cr3t-pw');
  } finally {
    res.remove();
    home.remove();
  }
});

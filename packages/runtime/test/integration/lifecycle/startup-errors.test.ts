/** Scenario: bad components, flags and busy ports stop start-up with precise messages. */
import net from 'node:net';
import { componentYaml, freePort, minidaprdBin, spawnProcess, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
afterAll(async () => {
  await stopAll();
  home.remove();
});

async function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const p = spawnProcess(process.execPath, [minidaprdBin(), ...args], { env: { ...process.env, MINIDAPR_HOME: home.path } });
  const { code } = await p.exited;
  return { code, output: p.output() };
}

it('names the file, the component and the field of an invalid component', async () => {
  const res = tempDir('minidapr-res-');
  res.write({ 'orders-store.yaml': 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\nspec:\n  type: statestore\n' });
  try {
    const port = await freePort();
    const { code, output } = await run(['--app-id', 'a', '--dapr-http-port', String(port), '--resources-path', res.path]);
    expect(code).toBe(1);
    expect(output).toMatch(/orders-store\.yaml: component "orders": field "spec\.type" must look like <category>\.<name>/);
  } finally {
    res.remove();
  }
});

it('lists the known types for an unknown component type', async () => {
  const res = tempDir('minidapr-res-');
  res.write({ 'store.yaml': componentYaml('statestore', 'state.cassandra') });
  try {
    const { code, output } = await run(['--app-id', 'a', '--dapr-http-port', String(await freePort()), '--resources-path', res.path]);
    expect(code).toBe(1);
    expect(output).toMatch(/store\.yaml: component "statestore".*state\.cassandra\/v1 is not registered; known types: .*state\.in-memory\/v1/);
  } finally {
    res.remove();
  }
});

it('names the flag for invalid flags and exits 1', async () => {
  const { code, output } = await run(['--app-port', 'x']);
  expect(code).toBe(1);
  expect(output).toContain('--app-id: is required');
  expect(output).toContain('--app-port: must be a whole number');
});

it('names a busy HTTP port', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const { code, output } = await run(['--app-id', 'a', '--dapr-http-port', String(port)]);
    expect(code).toBe(1);
    expect(output).toContain(`--dapr-http-port: port ${port} is already in use`);
  } finally {
    blocker.close();
  }
});

it('prints only the version for --version', async () => {
  const { code, output } = await run(['--version']);
  expect(code).toBe(0);
  expect(output).toMatch(/^\d+\.\d+\.\d+\n$/);
});

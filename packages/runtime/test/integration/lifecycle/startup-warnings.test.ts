/**
 * Scenario (issue 11): resource files real Dapr projects ship are never fatal. A file without a
 * kind (hello-kubernetes' resiliency.yaml), a misspelt kind, kinds minidapr ignores and an unknown
 * metadata field each get a warning naming the file while the sidecar starts; a sidecar with no
 * component says so once, with where it looked and the fix.
 */
import { join } from 'node:path';
import { componentYaml, freePort, minidaprdBin, spawnProcess, startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const sidecars: Sidecar[] = [];
afterAll(async () => {
  for (const s of sidecars) await s.stop();
  await stopAll();
});

/** The log lines at warning level (logfmt: `level=warn`), quotes unescaped for matching. */
const warnings = (output: string) => output.split('\n').filter((l) => /level=warn/.test(l)).map((l) => l.replace(/\\"/g, '"'));

it('starts with a warning per file that is not a Dapr resource, per ignored kind and per unknown metadata field', async () => {
  const s = await startSidecar({
    appId: 'nodeapp',
    resources: {
      'resiliency.yaml': 'spec:\n  policies:\n    retries:\n      retryForever:\n        policy: constant\n        maxRetries: -1\n',
      'typo.yaml': 'apiVersion: dapr.io/v1alpha1\nkind: Componet\nmetadata:\n  name: other\nspec:\n  type: state.in-memory\n',
      'endpoint.yaml': 'apiVersion: dapr.io/v1alpha1\nkind: HTTPEndpoint\nmetadata:\n  name: backend\nspec:\n  baseUrl: http://localhost:9999\n',
      'policies.yaml': 'apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: myresiliency\nspec: {}\n',
      'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: ':memory:', tablName: 'orders', keyPrefix: 'name' }),
    },
  });
  sidecars.push(s);
  const lines = warnings(s.process.output());
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/resiliency\.yaml: there is no "kind" .*; skipped/),
      expect.stringMatching(/typo\.yaml: kind "Componet" is not a Dapr resource kind \(did you mean Component\?\); skipped/),
      expect.stringMatching(/endpoint\.yaml: minidapr ignores HTTPEndpoint resources; HTTPEndpoint "backend" has no effect/),
      expect.stringMatching(/statestore\.yaml: component "statestore" \(state\.sqlite\): unknown metadata field "tablName" is ignored; did you mean "tableName"\?/),
    ]),
  );
  expect(lines.join('\n')).not.toContain('keyPrefix');
  expect(lines.join('\n')).not.toContain('policies.yaml'); // Resiliency is supported
  expect(lines.join('\n')).not.toContain('no components loaded');
  const r = await fetch(`${s.url}/v1.0/state/statestore`, { method: 'POST', body: JSON.stringify([{ key: 'k', value: 1 }]) });
  expect(r.status).toBe(204);
});

it('says where it looked when a resources path holds no component', async () => {
  const s = await startSidecar({ appId: 'nodeapp', resources: { 'notes.yaml': 'title: not a resource\n' } });
  sidecars.push(s);
  const lines = warnings(s.process.output()).filter((l) => l.includes('no components loaded'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`found no component for app id "nodeapp" in ${s.resourcesDir}`);
  expect(lines[0]).toContain('run "minidapr init"');
});

it('says that plain minidaprd reads only --resources-path when none is given', async () => {
  const home = tempDir('minidapr-home-');
  try {
    const port = await freePort();
    const p = spawnProcess(process.execPath, [minidaprdBin(), '--app-id', 'plain', '--dapr-http-port', String(port), '--dapr-internal-port', String(await freePort()), '--metrics-port', String(await freePort()), '--dapr-grpc-port', String(await freePort())], {
      env: { ...process.env, MINIDAPR_HOME: home.path },
    });
    await waitFor('the no-components warning', async () => p.output().includes('no components loaded'), { timeoutMs: 10000 });
    const line = warnings(p.output()).find((l) => l.includes('no components loaded')) ?? '';
    expect(line).toContain('no --resources-path was given, and minidaprd (like daprd) reads components only from --resources-path, never from the home folder');
    expect(line).toContain(`"minidapr init" (it writes the default components to ${join(home.path, 'components')})`);
    await waitFor('the API', async () => (await fetch(`http://127.0.0.1:${port}/v1.0/healthz/outbound`).catch(() => undefined))?.status === 204, { timeoutMs: 10000 });
    const state = await fetch(`http://127.0.0.1:${port}/v1.0/state/statestore/k`);
    expect((await state.json()) as { errorCode: string }).toMatchObject({ errorCode: 'ERR_STATE_STORE_NOT_CONFIGURED' });
    await p.stop();
  } finally {
    home.remove();
  }
});

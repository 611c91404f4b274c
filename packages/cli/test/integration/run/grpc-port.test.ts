import { freePort, isListening } from '@minidapr/testkit';
import { cleanup, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
// An inherited DAPR_GRPC_PORT (e.g. from a parent Dapr app) must be replaced by this sidecar's.
const s = scenario({ DAPR_GRPC_PORT: '1' });
afterAll(() => cleanup(s));

const SHOW_ENV = 'console.log("grpc env: " + (process.env.DAPR_GRPC_PORT ?? "unset") + ", http env: " + process.env.DAPR_HTTP_PORT);';

it('passes --dapr-grpc-port to the sidecar, prints it and gives it to the app as DAPR_GRPC_PORT', async () => {
  const grpc = await freePort();
  s.dir.write({ 'app.js': SHOW_ENV });
  const r = await minidaprDone(s, ['run', '-a', 'withgrpc', '-G', String(grpc), '--', 'node', 'app.js']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Starting Dapr with id withgrpc\\. HTTP Port: (\\d+)\\. gRPC Port: ${grpc}$`, 'm'));
  const http = /HTTP Port: (\d+)/.exec(r.stdout)?.[1];
  expect(r.stdout).toContain(`grpc env: ${grpc}, http env: ${http}`);
});

it('run -f: picks a free gRPC port when none is given, and the sidecar listens on it', async () => {
  s.dir.write({ 'a/app.js': SHOW_ENV + 'setInterval(() => {}, 1000);', 'dapr.yaml': ['version: 1', 'apps:', '  - appDirPath: ./a', '    command: [node, app.js]'].join('\n') });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('== APP - a == grpc env: ', 20000);
  const grpc = /^Started Dapr with app id "a"\. HTTP Port: \d+\. gRPC Port: (\d+)$/m.exec(run.stdout())?.[1];
  expect(run.stdout()).toContain(`== APP - a == grpc env: ${grpc}`);
  expect(await isListening(Number(grpc))).toBe(true);
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
});

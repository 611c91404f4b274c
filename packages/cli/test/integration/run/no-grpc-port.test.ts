import { cleanup, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
// An inherited DAPR_GRPC_PORT (e.g. from a parent Dapr app) must not reach the app either.
const s = scenario({ DAPR_GRPC_PORT: '50123' });
afterAll(() => cleanup(s));

const SHOW_ENV = 'console.log("grpc env: " + (process.env.DAPR_GRPC_PORT ?? "unset") + ", http env: " + process.env.DAPR_HTTP_PORT);';

it('announces no gRPC port and gives the app none; an explicit --dapr-grpc-port is ignored with a warning', async () => {
  s.dir.write({ 'app.js': SHOW_ENV });
  const r = await minidaprDone(s, ['run', '-a', 'nogrpc', '-G', '50124', '--', 'node', 'app.js']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Warning: --dapr-grpc-port: 50124 is ignored: minidaprd has no gRPC API yet (HTTP only)');
  expect(r.stdout).toMatch(/^Starting Dapr with id nogrpc\. HTTP Port: (\d+)\. gRPC Port: none \(HTTP only\)$/m);
  const http = /HTTP Port: (\d+)/.exec(r.stdout)?.[1];
  expect(r.stdout).toContain(`grpc env: unset, http env: ${http}`);
});

it('run -f: the Dapr banner line without a gRPC port, and a warning for daprGRPCPort', async () => {
  s.dir.write({ 'a/app.js': SHOW_ENV + 'setInterval(() => {}, 1000);', 'dapr.yaml': ['version: 1', 'apps:', '  - appDirPath: ./a', '    daprGRPCPort: 50125', '    command: [node, app.js]'].join('\n') });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput('== APP - a == grpc env: unset', 20000);
  expect(run.stdout()).toContain('Warning: dapr.yaml: apps[0].daprGRPCPort: 50125 is ignored');
  expect(run.stdout()).toMatch(/^Started Dapr with app id "a"\. HTTP Port: \d+\. gRPC Port: none \(HTTP only\)$/m);
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
});

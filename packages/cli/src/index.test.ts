import { join } from 'node:path';
import { COMMANDS } from './cli';
import { runCli } from './index';
import { captureOutput } from './lib/output';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = captureOutput();
  const code = await runCli(argv, { cwd: process.cwd(), env: { MINIDAPR_HOME: '/nonexistent-minidapr-home' }, output });
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

it('every command has --help with an example', async () => {
  for (const c of COMMANDS) {
    expect(c.examples.length).toBeGreaterThan(0);
    const r = await cli([...c.name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: minidapr ${c.name}`);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(c.examples[0]);
  }
});

it('prints help without arguments, and with --help', async () => {
  for (const argv of [[], ['--help']]) {
    const r = await cli(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: minidapr');
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name.split(' ')[0]);
  }
});

it('run --help lists Dapr flag names and short forms', async () => {
  const r = await cli(['run', '--help']);
  for (const f of ['-a, --app-id', '-p, --app-port', '-H, --dapr-http-port', '-G, --dapr-grpc-port', '-I, --dapr-internal-grpc-port', '-M, --metrics-port', '-P, --app-protocol', '-c, --config', '-d, --components-path', '-f, --run-file', '--resources-path']) {
    expect(r.stdout).toContain(f);
  }
  expect(r.stdout).not.toContain('--placement-host-address'); // accepted, hidden
});

it("answers Dapr's -k (Kubernetes mode) with a clear message", async () => {
  for (const argv of [['init', '-k'], ['run', '-k', '-f', '.'], ['stop', '--kubernetes', '-f', '.']]) {
    const r = await cli(argv);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('-k, --kubernetes: minidapr has no Kubernetes mode');
  }
});

it('--version and version print both versions', async () => {
  for (const argv of [['--version'], ['-v'], ['version']]) {
    const r = await cli(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^CLI version: \d+\.\d+\.\d+\nRuntime version: \d+\.\d+\.\d+\n$/);
  }
});

it('usage errors exit 1 with the help hint', async () => {
  const unknown = await cli(['nope']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain("error: unknown command 'nope'");
  expect(unknown.stderr).toContain("Run 'minidapr --help' for usage.");

  const badPort = await cli(['run', '--app-port', 'abc']);
  expect(badPort.code).toBe(1);
  expect(badPort.stderr).toContain("option '-p, --app-port <port>' argument 'abc' is invalid");
  expect(badPort.stderr).toContain("Run 'minidapr run --help' for usage.");

  const missing = await cli(['invoke', '--method', 'x']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("required option '-a, --app-id <id>' not specified");
});

it('input errors list every issue and the hint', async () => {
  const r = await cli(['invoke', '-a', 'x', '-m', 'y', '-d', '{bad']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^--data: invalid JSON: .*\nRun 'minidapr invoke --help' for usage.\n$/);
});

it('commands report what is not running', async () => {
  // nothing to stop: Dapr's messages on stderr, exit 0 (as `dapr stop` does)
  const stop = await cli(['stop', '--app-id', 'ghost']);
  expect(stop).toEqual({ code: 0, stdout: '', stderr: "failed to stop app id ghost: couldn't find app id ghost\n" });
  const stopFile = await cli(['stop', '-f', '.']);
  expect(stopFile).toEqual({
    code: 0,
    stdout: '',
    stderr: `Failed to stop Dapr and app processes: couldn't find apps with run file "${join(process.cwd(), 'dapr.yaml')}"\n`,
  });
  const invoke = await cli(['invoke', '--app-id', 'ghost', '--method', 'm']);
  expect(invoke.code).toBe(1);
  expect(invoke.stderr).toContain('app id ghost');
  const list = await cli(['list']);
  expect(list).toEqual({ code: 0, stdout: 'No Dapr instances found.\n', stderr: '' });
  expect((await cli(['list', '-o', 'json'])).stdout).toBe('[]\n');
  expect((await cli(['stop'])).stderr).toContain('stop needs --app-id <id> or --run-file <file|dir>');
});

it('run keeps the app command and its own flags after the first positional', async () => {
  // a bad flag value stops before anything starts, so this checks parsing only
  const r = await cli(['run', '--app-id', 'my.app', 'node', 'app.js', '--app-id', 'ignored']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('--app-id: must not contain "." (got "my.app")');
});

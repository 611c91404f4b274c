// Drives the compiled CLI (bin/run-readme.js -> dist/readme/cli.js) in child processes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeFixture, pidGone, readPid, step, waitUntil, type Fixture } from '../../test/readme-fixtures';

const pkgDir = resolve(__dirname, '..', '..');
const bin = join(pkgDir, 'bin', 'run-readme.js');
const distCli = join(pkgDir, 'dist', 'readme', 'cli.js');

/** Builds dist/ when it is missing or older than the sources, so the test always exercises current code. */
function ensureBuilt(): void {
  const srcDir = join(pkgDir, 'src', 'readme');
  const stale = readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .some((f) => {
      const out = join(pkgDir, 'dist', 'readme', f.replace(/\.ts$/, '.js'));
      return !existsSync(out) || statSync(out).mtimeMs < statSync(join(srcDir, f)).mtimeMs;
    });
  if (stale) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: pkgDir, stdio: 'pipe' });
  }
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (pid: number) => void } = {}): Promise<Exit> {
  return new Promise((resolvePromise, reject) => {
    const env = { ...process.env, ...opts.env };
    if (!opts.env || !('RUN_README_VERBOSE' in opts.env)) delete env['RUN_README_VERBOSE'];
    // These runs fail on purpose: keep them out of CI's suite totals.
    delete env['MINIDAPR_TEST_TOTALS'];
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? pkgDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  });
}

const lastLine = (s: string): string => s.trimEnd().split('\n').pop() ?? '';

let fx: Fixture;
beforeAll(() => ensureBuilt(), 60_000);
beforeEach(() => (fx = makeFixture()));
afterEach(() => fx.cleanup());

describe('run-readme CLI', () => {
  it('--help prints usage with an example and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: run-readme [options] <README.md...>');
    expect(r.stdout).toContain('--kill-grace-seconds');
    expect(r.stdout).toMatch(/Example:\n\s+run-readme /);
  });

  it.each([
    [[], /no README given/],
    [['--bogus', 'README.md'], /Unknown option '--bogus'/],
    [['--kill-grace-seconds', 'soon', 'README.md'], /--kill-grace-seconds must be a number/],
    [['-s', ' ', 'README.md'], /shell must not be empty/],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 0 when every step passes and ends with the totals line', async () => {
    const file = fx.readme(step('name: ok\nexpected_stdout_lines:\n  - fine', 'echo fine'));
    const r = await runCli([file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS\s+\d+\.\ds {2}ok$/m);
    expect(lastLine(r.stdout)).toBe('1 passed, 0 failed');
  });

  it('--temp-dir-env points a variable at a fresh directory for the run and removes it after', async () => {
    const file = fx.readme(step('name: home\nexpected_stdout_lines:\n  - exists', 'test -d "$MINIDAPR_HOME" && echo exists; echo "dir=$MINIDAPR_HOME"'));
    const r = await runCli(['-v', '--temp-dir-env', 'MINIDAPR_HOME', file], { env: { MINIDAPR_HOME: '/nonexistent-home' } });
    expect(r.code).toBe(0);
    const dir = /dir=(\/\S*)/.exec(r.stdout)?.[1] ?? '';
    expect(dir).toMatch(/run-readme-minidapr_home-/);
    expect(existsSync(dir)).toBe(false);
    const bad = await runCli(['--temp-dir-env', 'NOT-A-NAME', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"NOT-A-NAME" is not a valid environment variable name');
  });

  it('exits 1 when a step fails and shows its output', async () => {
    const file = fx.readme(step('name: ok', 'true') + step('name: bad\nexpected_stdout_lines:\n  - wanted', 'echo got-this; echo on-stderr >&2'));
    const r = await runCli([file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('expected stdout line not found (exact): "wanted"');
    expect(r.stdout).toContain('| got-this');
    expect(r.stdout).toContain('| on-stderr');
    expect(lastLine(r.stdout)).toBe('1 passed, 1 failed');
  });

  it('exits 2 on an annotation error, naming file and line, without running anything', async () => {
    const marker = fx.path('ran');
    const file = fx.readme(step('name: first', `touch ${marker}`) + step('name: typo\noutput_match_mode: fuzzy', 'echo x'));
    const r = await runCli([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:12: 'output_match_mode' must be one of: exact, substring`);
    expect(existsSync(marker)).toBe(false);
  });

  it('an unknown key is a warning in the report by default (as mechanical-markdown ignores it) and exit 2 with --strict', async () => {
    const marker = fx.path('ran');
    const file = fx.readme(step('name: first', `touch ${marker}`) + step('name: typo\nexpected_stdout_line:\n  - x', 'echo x'));
    const lenient = await runCli([file]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain(`${file}:12: warning: unknown key 'expected_stdout_line' in STEP (did you mean 'expected_stdout_lines'?)`);
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const strict = await runCli(['--strict', file]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${file}:12: unknown key 'expected_stdout_line'`);
    expect(existsSync(marker)).toBe(false);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run-readme \d+\.\d+\.\d+\n$/);
  });

  it('exits 2 for a README that does not exist', async () => {
    const r = await runCli([fx.path('missing.md')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*missing\.md/);
  });

  it('--dry-run prints the plan and runs nothing', async () => {
    const marker = fx.path('ran');
    const file = fx.readme(step('name: plan me\ntags: [x]\nexpected_stdout_lines:\n  - hello', `touch ${marker}`, { lang: 'text', code: 'not run' }));
    const r = await runCli(['-d', '-t', 'y', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Step 1: plan me (line 1) [SKIP: not selected by --tag]');
    expect(r.stdout).toContain(`touch ${marker}`);
    expect(r.stdout).toContain("(not run: 'text' block at line 12)");
    expect(r.stdout).toMatch(/expected stdout \(exact, sequential\):\n\s+hello/);
    expect(existsSync(marker)).toBe(false);
  });

  it('accepts -l with a note, filters with -t, and runs several READMEs one after another', async () => {
    const a = fx.readme(step('name: a-untagged', `echo a >> ${fx.path('order')}`) + step('name: a-linux\ntags: [linux]', 'true') + step('name: a-win\ntags: [windows]', 'false'), 'a.md');
    const b = fx.readme(step('name: b-fails', `echo b >> ${fx.path('order')}; exit 1`), 'b.md');
    const r = await runCli(['-l', '--tag', 'linux', a, b]);
    expect(r.stderr).toContain('-l/--validate-links is ignored');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^SKIP\s+0\.0s {2}a-win$/m);
    expect(r.stdout).toContain(`FAIL  ${b}`);
    expect(lastLine(r.stdout)).toBe('2 passed, 1 failed, 1 skipped');
    expect(execFileSync('cat', [fx.path('order')], { encoding: 'utf8' })).toBe('a\nb\n');
  });

  it('RUN_README_VERBOSE=1 streams prefixed output; --shell is honoured', async () => {
    const file = fx.readme(step('name: Shout\nexpected_stdout_lines:\n  - "via sh"', 'echo "via $0"'));
    const r = await runCli(['--shell', 'sh -c', file], { env: { RUN_README_VERBOSE: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[Shout] via sh\n');
  });

  it('main() via node -e sets the exit code', async () => {
    const file = fx.readme(step('name: bad', 'exit 9'));
    const code = await new Promise<number | null>((res) => {
      const env = { ...process.env };
      delete env['MINIDAPR_TEST_TOTALS']; // a deliberate failure: keep it out of CI's totals
      const child = spawn(process.execPath, ['-e', 'require(process.argv[1]).main(process.argv.slice(2))', distCli, file], { stdio: 'ignore', env });
      child.on('close', res);
    });
    expect(code).toBe(1);
  });

  it('SIGINT stops the run, kills background process groups and exits 130', async () => {
    const bgPid = fx.path('bg.pid');
    const fgPid = fx.path('fg.pid');
    const file = fx.readme(
      step('name: server\nbackground: true\ntimeout_seconds: 60', `sleep 1000 & echo $! > ${bgPid}; wait`) +
        step('name: waits', `sleep 1000 & echo $! > ${fgPid}; wait`),
    );
    let runner = 0;
    const exit = runCli(['--kill-grace-seconds', '1', file], { onSpawn: (pid) => (runner = pid) });
    const fg = await readPid(fgPid, 5000);
    const t0 = Date.now();
    process.kill(runner, 'SIGINT');
    const r = await exit;
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.stderr).toContain('SIGINT received');
    expect(r.stdout).toContain('The run was interrupted');
    const bg = await readPid(bgPid);
    expect(await waitUntil(() => pidGone(bg) && pidGone(fg), 3000)).toBe(true);
  }, 15_000);
});

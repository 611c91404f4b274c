// How mechanical-markdown (mm.py) runs a recipe, case by case, on small inline READMEs: what an
// upstream README relies on must give the same verdict here.
import { runReadme, type RunReadmeResult } from './runner';
import { Capture, makeFixture, pidGone, readPid, step, waitUntil, type Fixture } from '../../test/readme-fixtures';

let fx: Fixture;
beforeEach(() => (fx = makeFixture()));
afterEach(() => fx.cleanup());

async function run(markdown: string): Promise<RunReadmeResult & { out: string }> {
  const out = new Capture();
  const result = await runReadme({ file: fx.readme(markdown), killGraceSeconds: 1, verbose: false, stdout: out, stderr: new Capture() });
  return { ...result, out: out.text };
}

const statuses = (r: RunReadmeResult): string[] => r.steps.map((s) => `${s.status} ${s.step.name}`);

describe("runReadme: `expected_stdout_lines: ['']`", () => {
  it('passes for a step that ran (any output, even none, satisfies it) and is reported as a warning', async () => {
    const r = await run(step("name: neworder Test\nexpected_stdout_lines:\n  - ''\nexpected_stderr_lines:", 'true'));
    expect(statuses(r)).toEqual(['PASS neworder Test']);
    expect(r.out).toMatch(/Warnings:\n {2}\S+README\.md:1: warning: STEP 'neworder Test' only expects empty lines/);
  });

  it('does not upset sequential order next to real lines', async () => {
    const r = await run(step("name: mixed\nexpected_stdout_lines:\n  - ''\n  - one\n  - ''\n  - two", 'echo one; echo two'));
    expect(r.success).toBe(true);
  });

  it('fails on a step without commands, which has no output at all (as in mm.py)', async () => {
    const r = await run("<!-- STEP\nname: empty\nexpected_stdout_lines:\n  - ''\n-->\n<!-- END_STEP -->\n");
    expect(r.steps[0]?.failures).toEqual(['expected stdout line not found (exact): ""']);
  });
});

describe('runReadme: timeouts, as in mm.py', () => {
  it('a foreground command that times out is stopped and then judged by its exit code: 0 on SIGTERM passes', async () => {
    // The bindings quickstart bounds `dapr run -f .` with timeout_seconds and relies on its graceful exit code 0.
    const server = "trap 'echo stopping; exit 0' TERM\necho up\nwhile :; do sleep 0.05; done";
    const r = await run(step('name: bounded\ntimeout_seconds: 0.4\nexpected_stdout_lines:\n  - up\n  - stopping', server) + step('name: next', 'true'));
    expect(statuses(r)).toEqual(['PASS bounded', 'PASS next']);
    expect(r.steps[0]?.notes).toEqual(['command 1 (line 9) timed out after 0.4s and was stopped (SIGTERM); it exited with code 0 (the expected return code)']);
  });

  it('the same for a background command, which is judged at the end', async () => {
    const server = "trap 'echo bye; exit 0' TERM\nwhile :; do sleep 0.05; done";
    const r = await run(step('name: bg\nbackground: true\ntimeout_seconds: 0.4\nexpected_stdout_lines:\n  - bye', server));
    expect(statuses(r)).toEqual(['PASS bg']);
    expect(r.steps[0]?.notes[0]).toMatch(/timed out after 0\.4s and was stopped \(SIGTERM\); it exited with code 0/);
  });

  it('the supervisor gets SIGTERM before its children, so it can stop them in order', async () => {
    const pidFile = fx.path('child.pid');
    const supervisor =
      `sleep 1000 & child=$!; echo $child > ${pidFile}\n` +
      "trap 'kill -0 $child && echo \"stopping child\"; kill $child; wait $child; echo \"Exited App successfully\"; exit 0' TERM\n" +
      'while :; do sleep 0.05; done';
    const r = await run(step('name: run\ntimeout_seconds: 0.4\nexpected_stdout_lines:\n  - stopping child\n  - Exited App successfully', supervisor));
    expect(statuses(r)).toEqual(['PASS run']);
    const child = await readPid(pidFile);
    expect(await waitUntil(() => pidGone(child), 3000)).toBe(true);
  });
});

describe('runReadme: return codes, as in mm.py', () => {
  it('a command killed by a signal has return code minus the signal number', async () => {
    const r = await run(step('name: killed\nexpected_return_code: -15', 'kill -TERM $$') + step('name: wrong\nexpected_return_code: 0', 'kill -TERM $$'));
    expect(statuses(r)).toEqual(['PASS killed', 'FAIL wrong']);
    expect(r.steps[1]?.failures).toEqual(['command 1 (line 16) was killed by SIGTERM (return code -15), expected return code 0']);
  });

  it('a wrong code of one command stops the step before its next command', async () => {
    const marker = fx.path('second');
    const r = await run(step('name: two', 'exit 2', `touch ${marker}`));
    expect(r.steps[0]?.commands).toHaveLength(1);
    expect(r.steps[0]?.status).toBe('FAIL');
  });
});

describe('runReadme: output, as mm.py captures it', () => {
  it('a carriage return ends a line, so progress output does not hide the final line', async () => {
    const r = await run(step('name: cr\nexpected_stdout_lines:\n  - done', "printf 'progress 50%%\\rdone\\n'"));
    expect(r.success).toBe(true);
  });

  it('commands read end-of-file from stdin instead of hanging', async () => {
    const r = await run(step('name: stdin\ntimeout_seconds: 5\nexpected_stdout_lines:\n  - eof', 'read -r line || echo eof'));
    expect(r.success).toBe(true);
  });

  it('`cd` carries over between the lines of one block, not to the next block', async () => {
    const r = await run(step('name: cd\nworking_dir: .\nexpected_stdout_lines:\n  - in-sub\n  - back', 'mkdir -p sub\ncd sub\ntouch here\n[ -f here ] && echo in-sub', '[ -f here ] || echo back'));
    expect(r.success).toBe(true);
  });
});

describe('runReadme: an upstream-shaped README runs unchanged', () => {
  it('install, a run+stop background step, a foreground check, bare keys, indented fences, text blocks', async () => {
    const pidFile = fx.path('app.pid');
    const md = [
      '# Quickstart\n\n1. Install:\n\n<!-- STEP\nname: Install dependencies\n-->\n\n```bash\n  mkdir -p ./app\n  cd ./app\n  echo installed > deps\n  cd ..\n```\n\n<!-- END_STEP -->\n',
      '2. Run:\n\n<!-- STEP\nname: Run multi app run template\nexpected_stdout_lines:\n  - \'Started app "checkout"\'\n  - \'Exited App successfully\'\n',
      "expected_stderr_lines:\noutput_match_mode: substring\nmatch_order: none\nbackground: true\nsleep: 0.5\ntimeout_seconds: 5\n-->\n\n",
      "```bash\ntrap 'echo \"Exited App successfully\"; exit 0' TERM\necho 'Started app \"checkout\"'\necho $$ > " + pidFile + '\nwhile :; do sleep 0.05; done\n```\n\n',
      'The output should look like this:\n\n```text\nStarted app "checkout"\n```\n\n3. Stop:\n\n```bash\nkill -TERM "$(cat ' + pidFile + ')"\n```\n\n<!-- END_STEP -->\n',
      "<!-- STEP\nname: Check\nexpected_stdout_lines:\n  - ''\nexpected_stderr_lines:\nexpected_return_code:\nworking_dir: ./app\n-->\n\n   ```bash\n   cat deps\n   ```\n\n<!-- END_STEP -->\n",
    ].join('');
    const r = await run(md);
    expect(statuses(r)).toEqual(['PASS Install dependencies', 'PASS Run multi app run template', 'PASS Check']);
    expect(r.steps[1]?.commands).toHaveLength(2);
    expect(r.steps[2]?.stdout).toBe('installed\n');
  });
});

import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { runReadme, type RunReadmeOptions, type RunReadmeResult } from './runner';
import { Capture, makeFixture, pidGone, readPid, step, waitUntil, type Fixture } from '../../test/readme-fixtures';

let fx: Fixture;
beforeEach(() => (fx = makeFixture()));
afterEach(() => fx.cleanup());

interface Run extends RunReadmeResult {
  out: string;
  err: string;
  elapsedMs: number;
}

async function run(markdown: string, options: Partial<RunReadmeOptions> = {}): Promise<Run> {
  const file = fx.readme(markdown);
  const out = new Capture();
  const err = new Capture();
  const t0 = Date.now();
  const result = await runReadme({ file, killGraceSeconds: 1, verbose: false, stdout: out, stderr: err, ...options });
  return { ...result, out: out.text, err: err.text, elapsedMs: Date.now() - t0 };
}

const statuses = (r: RunReadmeResult): string[] => r.steps.map((s) => `${s.status} ${s.step.name}`);

describe('runReadme: commands and output matching', () => {
  it('passes when expected lines appear, and prints timing lines plus the final count', async () => {
    const r = await run(step('name: hello\nexpected_stdout_lines:\n  - "hello world"', 'echo "hello world"'));
    expect(r.success).toBe(true);
    expect(statuses(r)).toEqual(['PASS hello']);
    expect(r.out).toMatch(/^PASS\s+\d+\.\ds {2}hello$/m);
    expect(r.out.trimEnd().split('\n').pop()).toBe('1 passed, 0 failed');
  });

  it('exact mode needs the whole line, substring mode a part of it', async () => {
    const exact = await run(step('name: exact\nexpected_stdout_lines:\n  - "Order ID: 41"', 'echo "Got a new order! Order ID: 41"'));
    expect(exact.success).toBe(false);
    expect(exact.steps[0]?.failures.join('\n')).toContain('expected stdout line not found (exact): "Order ID: 41"');
    const sub = await run(step('name: sub\noutput_match_mode: substring\nexpected_stdout_lines:\n  - "Order ID: 41"', 'echo "Got a new order! Order ID: 41"'));
    expect(sub.success).toBe(true);
  });

  it('sequential order fails for swapped lines; match_order none accepts them', async () => {
    const body = 'echo first; echo second';
    const seq = await run(step('name: seq\nexpected_stdout_lines:\n  - second\n  - first', body));
    expect(seq.success).toBe(false);
    expect(seq.steps[0]?.failures.join('\n')).toContain('out of order');
    const none = await run(step('name: none\nmatch_order: none\nexpected_stdout_lines:\n  - second\n  - first', body));
    expect(none.success).toBe(true);
  });

  it('duplicate expected lines must appear as many times as listed', async () => {
    const twice = await run(step('name: twice\nexpected_stdout_lines:\n  - tick\n  - tick', 'echo tick; echo tick'));
    expect(twice.success).toBe(true);
    const thrice = await run(step('name: thrice\nexpected_stdout_lines:\n  - tick\n  - tick\n  - tick', 'echo tick; echo tick'));
    expect(thrice.success).toBe(false);
    expect(thrice.steps[0]?.failures).toEqual(['expected stdout line not found (exact): "tick"']);
  });

  it('checks stderr separately from stdout', async () => {
    const ok = await run(step('name: err\nexpected_stderr_lines:\n  - oops', 'echo oops >&2'));
    expect(ok.success).toBe(true);
    const wrongStream = await run(step('name: out\nexpected_stdout_lines:\n  - oops', 'echo oops >&2'));
    expect(wrongStream.success).toBe(false);
    // without --verbose the failing step's stdout and stderr are shown in the report
    expect(wrongStream.out).toMatch(/stderr:\n\s+\| oops/);
  });

  it('concatenates the output of all blocks of a step; each block is its own process', async () => {
    const r = await run(
      step(
        'name: blocks\nexpected_stdout_lines:\n  - one\n  - x=unset\n  - three',
        'X=1; cd /; echo one',
        { lang: 'sh', code: 'echo "x=${X:-unset}"' },
        { lang: 'shell', code: 'echo three' },
      ),
    );
    expect(r.success).toBe(true);
    expect(r.steps[0]?.commands).toHaveLength(3);
  });

  it('ignores text/yaml/json/cmd fences inside a step', async () => {
    const marker = fx.path('should-not-exist');
    const r = await run(
      step(
        'name: fences\nexpected_stdout_lines:\n  - ran',
        { lang: 'text', code: `touch ${marker}` },
        { lang: 'yaml', code: `touch ${marker}` },
        { lang: 'json', code: `touch ${marker}` },
        { lang: 'cmd', code: `touch ${marker}` },
        { lang: 'shell-script', code: 'echo ran' },
      ),
    );
    expect(r.success).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('forbidden lines fail the step and name the line', async () => {
    const r = await run(step('name: forbid\noutput_match_mode: substring\nforbidden_stderr_lines:\n  - panic', 'echo starting; echo "goroutine panic: boom" >&2'));
    expect(r.success).toBe(false);
    expect(r.steps[0]?.failures).toEqual(['forbidden stderr line "panic" appeared (output line 1: "goroutine panic: boom")']);
    const clean = await run(step('name: clean\nforbidden_stdout_lines:\n  - ERROR', 'echo "all good"; echo "ERROR: in stderr only" >&2'));
    expect(clean.success).toBe(true);
  });

  it('uses the --shell option', async () => {
    const r = await run(step('name: shell\nexpected_stdout_lines:\n  - "shell=sh"', 'echo "shell=$0"'), { shell: 'sh -c' });
    expect(r.success).toBe(true);
  });
});

describe('runReadme: return codes and stopping', () => {
  it('default expected return code is 0; a mismatch stops the recipe', async () => {
    const r = await run(step('name: fails', 'echo before; exit 3') + step('name: later', `touch ${fx.path('later')}`));
    expect(r.success).toBe(false);
    expect(statuses(r)).toEqual(['FAIL fails', 'SKIP later']);
    expect(r.steps[0]?.failures).toEqual(['command 1 (line 5) exited with code 3, expected return code 0']);
    expect(existsSync(fx.path('later'))).toBe(false);
    expect(r.out.trimEnd().split('\n').pop()).toBe('0 passed, 1 failed, 1 skipped');
  });

  it('explicit expected_return_code', async () => {
    expect((await run(step('name: three\nexpected_return_code: 3', 'exit 3'))).success).toBe(true);
    const r = await run(step('name: three\nexpected_return_code: 3', 'exit 0'));
    expect(r.steps[0]?.failures).toEqual(['command 1 (line 6) exited with code 0, expected return code 3']);
  });

  it('expected_return_code with a null value does not check the code', async () => {
    const r = await run(step('name: any\nexpected_return_code:', 'exit 7') + step('name: next\nexpected_stdout_lines:\n  - next', 'echo next'));
    expect(statuses(r)).toEqual(['PASS any', 'PASS next']);
  });

  it('a foreground timeout kills the process group, grandchildren included', async () => {
    const pidFile = fx.path('gc.pid');
    const r = await run(step('name: hangs\ntimeout_seconds: 0.5\nexpected_stdout_lines:\n  - started', `sleep 1000 & echo $! > ${pidFile}; echo started; wait`));
    expect(r.success).toBe(false);
    expect(r.steps[0]?.failures[0]).toBe(
      'command 1 (line 8) timed out after 0.5s and was stopped (SIGTERM); it was killed by SIGTERM (return code -15), expected return code 0',
    );
    // what was captured before the kill is shown
    expect(r.out).toMatch(/stdout:\n\s+\| started/);
    const grandchild = await readPid(pidFile);
    expect(await waitUntil(() => pidGone(grandchild), 3000)).toBe(true);
    expect(r.elapsedMs).toBeLessThan(4000);
  });

  it('sleep waits after starting each command', async () => {
    const r = await run(step('name: nap\nsleep: 0.4', 'true'));
    expect(r.success).toBe(true);
    expect(r.steps[0]?.durationSeconds).toBeGreaterThanOrEqual(0.4);
  });
});

describe('runReadme: selection and environment', () => {
  const md = (dir: string): string =>
    step('name: untagged', `touch ${dir}/untagged`) +
    step('name: tag-a\ntags:\n  - a', `touch ${dir}/a`) +
    step('name: tag-b\ntags: [b, c]', `touch ${dir}/b`);

  it('without tags every step runs', async () => {
    const r = await run(md(fx.dir));
    expect(statuses(r)).toEqual(['PASS untagged', 'PASS tag-a', 'PASS tag-b']);
  });

  it('with tags: untagged steps plus steps carrying a requested tag', async () => {
    const r = await run(md(fx.dir), { tags: ['a'] });
    expect(statuses(r)).toEqual(['PASS untagged', 'PASS tag-a', 'SKIP tag-b']);
    expect(existsSync(fx.path('b'))).toBe(false);
    expect(r.steps[2]?.skipReason).toContain('not selected');
    const r2 = await run(md(fx.dir), { tags: ['x', 'c'] });
    expect(statuses(r2)).toEqual(['PASS untagged', 'SKIP tag-a', 'PASS tag-b']);
  });

  it('env is merged over process.env and working_dir is relative to the README', async () => {
    mkdirSync(fx.path('sub'));
    process.env['RUN_README_TEST_INHERITED'] = 'inherited';
    try {
      const r = await run(
        step(
          'name: env\nworking_dir: sub\nenv:\n  GREETING: hello\n  COUNT: 7\nexpected_stdout_lines:\n  - "hello 7 inherited"\n  - "dir=sub"',
          'echo "$GREETING $COUNT $RUN_README_TEST_INHERITED"; echo "dir=$(basename "$PWD")"',
        ) + step('name: default dir\nexpected_stdout_lines:\n  - "' + realpathSync(fx.dir) + '"', 'pwd -P'),
      );
      expect(r.steps.map((s) => s.failures)).toEqual([[], []]);
      expect(r.success).toBe(true);
    } finally {
      delete process.env['RUN_README_TEST_INHERITED'];
    }
  });

  it('a missing working_dir fails the step clearly', async () => {
    const r = await run(step('name: nodir\nworking_dir: nope', 'true'));
    expect(r.steps[0]?.failures[0]).toContain('working_dir "nope" does not exist');
  });
});

describe('runReadme: background steps', () => {
  it('validates a background step after the later steps ran', async () => {
    const flag = fx.path('fg-done');
    const r = await run(
      step('name: bg\nbackground: true\ntimeout_seconds: 5\nexpected_stdout_lines:\n  - "saw foreground"', `while [ ! -f ${flag} ]; do sleep 0.05; done; echo "saw foreground"`) +
        step('name: fg', `touch ${flag}`),
    );
    expect(statuses(r)).toEqual(['PASS bg', 'PASS fg']);
  });

  it('checks the return code of background commands at the end', async () => {
    const r = await run(step('name: bg\nbackground: true', 'exit 2') + step('name: fg', 'true'));
    expect(statuses(r)).toEqual(['FAIL bg', 'PASS fg']);
    expect(r.steps[0]?.failures).toEqual(['command 1 (line 6) exited with code 2, expected return code 0']);
  });

  it('when a foreground step fails, background commands are stopped at once, not after their timeout', async () => {
    const pidFile = fx.path('bg.pid');
    const r = await run(
      step('name: server\nbackground: true\ntimeout_seconds: 30', `sleep 1000 & echo $! > ${pidFile}; echo up; wait`) +
        step('name: check', `while [ ! -s ${pidFile} ]; do sleep 0.05; done; exit 1`) +
        step('name: never', 'true'),
    );
    expect(statuses(r)).toEqual(['PASS server', 'FAIL check', 'SKIP never']);
    expect(r.elapsedMs).toBeLessThan(5000);
    expect(r.steps[0]?.notes[0]).toContain('terminated because the run stopped early');
    const grandchild = await readPid(pidFile);
    expect(await waitUntil(() => pidGone(grandchild), 3000)).toBe(true);
  });

  it('kills leftovers of a finished step (a daemon started with &) when the run ends', async () => {
    const pidFile = fx.path('daemon.pid');
    const r = await run(step('name: daemon', `sleep 1000 > /dev/null 2>&1 & echo $! > ${pidFile}`));
    expect(r.success).toBe(true);
    const daemon = await readPid(pidFile);
    expect(await waitUntil(() => pidGone(daemon), 3000)).toBe(true);
  });

  it('a background timeout fails the step when the stopped command\'s code is wrong, unless expected_return_code is null', async () => {
    const r = await run(step('name: slow\nbackground: true\ntimeout_seconds: 0.3', 'sleep 1000'));
    expect(r.steps[0]?.failures[0]).toMatch(/timed out after 0\.3s and was stopped \(SIGTERM\); it was killed by SIGTERM \(return code -15\), expected return code 0$/);
    const accepted = await run(step('name: server\nbackground: true\ntimeout_seconds: 0.3\nexpected_return_code:\nexpected_stdout_lines:\n  - up', 'echo up; sleep 1000'));
    expect(accepted.success).toBe(true);
    expect(accepted.steps[0]?.notes[0]).toContain('not checked: expected_return_code is empty');
  });
});

describe('runReadme: wait_for_*', () => {
  it('waits for the lines before running the next step', async () => {
    const ready = fx.path('ready');
    const stop = fx.path('stop');
    const r = await run(
      step(
        'name: server\nbackground: true\ntimeout_seconds: 10\noutput_match_mode: substring\nwait_for_stdout_lines:\n  - "listening on"\nwait_for_stderr_lines:\n  - warming',
        `echo warming >&2; sleep 0.3; touch ${ready}; echo "listening on 3500"; while [ ! -f ${stop} ]; do sleep 0.05; done`,
      ) + step('name: client\nexpected_stdout_lines:\n  - "ready seen"', `test -f ${ready} && echo "ready seen"; touch ${stop}`),
    );
    expect(statuses(r)).toEqual(['PASS server', 'PASS client']);
  });

  it('fails at the deadline with the missing lines and the output so far, and stops the recipe', async () => {
    const pidFile = fx.path('srv.pid');
    const r = await run(
      step(
        'name: server\nbackground: true\ntimeout_seconds: 30\nwait_timeout_seconds: 0.5\nwait_for_stdout_lines:\n  - "ready"',
        `echo "booting"; sleep 1000 & echo $! > ${pidFile}; wait`,
      ) + step('name: client', 'true'),
    );
    expect(statuses(r)).toEqual(['FAIL server', 'SKIP client']);
    const failure = r.steps[0]?.failures[0] ?? '';
    expect(failure).toContain('not seen within wait_timeout_seconds (0.5s)');
    expect(failure).toContain('missing stdout line: "ready"');
    expect(failure).toMatch(/stdout so far:\n\s+\| booting/);
    expect(r.elapsedMs).toBeLessThan(5000);
    const grandchild = await readPid(pidFile);
    expect(await waitUntil(() => pidGone(grandchild), 3000)).toBe(true);
  });

  it('fails right away when the command exits without printing the line', async () => {
    const r = await run(step('name: quits\nbackground: true\nwait_timeout_seconds: 30\nwait_for_stderr_lines:\n  - ready', 'echo "crashed" >&2; exit 0'));
    expect(r.success).toBe(false);
    expect(r.steps[0]?.failures[0]).toContain("commands exited before printing");
    expect(r.steps[0]?.failures[0]).toContain('missing stderr line: "ready"');
    expect(r.elapsedMs).toBeLessThan(5000);
  });
});

describe('runReadme: output and interruption', () => {
  it('verbose streams output live, prefixed with the step name', async () => {
    const r = await run(step('name: Talk\nexpected_stdout_lines:\n  - hi', 'echo hi; echo warn >&2; printf partial'), { verbose: true });
    expect(r.out).toContain('[Talk] hi\n');
    expect(r.out).toContain('[Talk] partial\n');
    expect(r.err).toContain('[Talk] warn\n');
  });

  it('non-verbose output shows nothing live, only progress and the report', async () => {
    const r = await run(step('name: Quiet', 'echo secret-output'));
    expect(r.out).not.toContain('secret-output');
    expect(r.out).toContain('==> Quiet');
  });

  it('aborting via signal stops the run and kills background and foreground groups', async () => {
    const bgPid = fx.path('bg.pid');
    const fgPid = fx.path('fg.pid');
    const controller = new AbortController();
    const running = run(
      step('name: bg\nbackground: true', `sleep 1000 & echo $! > ${bgPid}; wait`) +
        step('name: fg', `sleep 1000 & echo $! > ${fgPid}; wait`) +
        step('name: after', 'true'),
      { signal: controller.signal },
    );
    const fg = await readPid(fgPid);
    controller.abort();
    const r = await running;
    expect(r.interrupted).toBe(true);
    expect(r.success).toBe(false);
    expect(statuses(r)).toEqual(['PASS bg', 'FAIL fg', 'SKIP after']);
    expect(await waitUntil(() => pidGone(fg) && pidGone(Number(readFileSync(bgPid, 'utf8'))), 3000)).toBe(true);
  });
});

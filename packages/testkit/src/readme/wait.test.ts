import { existsSync } from 'node:fs';
import { runReadme, type RunReadmeOptions, type RunReadmeResult } from './runner';
import { takeLines } from './wait';
import { Capture, makeFixture, step, type Fixture } from '../../test/readme-fixtures';

let fx: Fixture;
beforeEach(() => (fx = makeFixture()));
afterEach(() => fx.cleanup());

async function run(markdown: string, options: Partial<RunReadmeOptions> = {}): Promise<RunReadmeResult & { elapsedMs: number }> {
  const file = fx.readme(markdown);
  const t0 = Date.now();
  const result = await runReadme({ file, killGraceSeconds: 1, verbose: false, stdout: new Capture(), stderr: new Capture(), ...options });
  return { ...result, elapsedMs: Date.now() - t0 };
}

const statuses = (r: RunReadmeResult): string[] => r.steps.map((s) => `${s.status} ${s.step.name}`);

describe('takeLines', () => {
  it('takes the first matching line not consumed yet, across the outputs of several commands', () => {
    const outputs = ['a\ntick\n', 'tick\nb'];
    expect(takeLines(['tick', 'tick'], outputs, new Set(), 'exact')).toEqual({ taken: ['0:1', '1:0'], missing: [] });
    expect(takeLines(['tick', 'tick'], outputs, new Set(['0:1']), 'exact')).toEqual({ taken: ['1:0'], missing: ['tick'] });
    expect(takeLines(['ic'], outputs, new Set(), 'substring')).toEqual({ taken: ['0:1'], missing: [] });
    expect(takeLines(['ic'], outputs, new Set(), 'exact').missing).toEqual(['ic']);
  });
});

describe('runReadme: wait_for_step', () => {
  const waiter = (target: string, lines: string, extra = ''): string =>
    `name: waiter\nwait_for_step: ${target}\n${lines}\n${extra}`;

  it('a later foreground step waits for the line before running its own commands', async () => {
    const pub = fx.path('published');
    const stop = fx.path('stop');
    // The "subscriber" only prints the order if nobody has asked it to stop yet: without the wait, the stop wins.
    const r = await run(
      step(
        'name: subscriber\nbackground: true\ntimeout_seconds: 10\nexpected_stdout_lines:\n  - "received 100"',
        `while [ ! -f ${pub} ]; do sleep 0.05; done; sleep 0.3; if [ -f ${stop} ]; then echo "too late"; else echo "received 100"; fi; ` +
          `while [ ! -f ${stop} ]; do sleep 0.05; done`,
      ) +
        step('name: publish', `touch ${pub}`) +
        step(waiter('subscriber', 'wait_for_stdout_lines:\n  - "received 100"', 'expected_stdout_lines:\n  - stopping'), `touch ${stop}; echo stopping`),
    );
    expect(r.steps.map((s) => s.failures)).toEqual([[], [], []]);
    expect(statuses(r)).toEqual(['PASS subscriber', 'PASS publish', 'PASS waiter']);
    expect(r.steps[2]?.durationSeconds).toBeGreaterThanOrEqual(0.25);
  });

  it('a step may only wait (no commands); stderr and substring mode work', async () => {
    const out = new Capture();
    const r = await run(
      step('name: server\nbackground: true\ntimeout_seconds: 5', 'sleep 0.2; echo "level=info msg=ready port=3500" >&2; sleep 0.3') +
        `<!-- STEP\n${waiter('server', 'output_match_mode: substring\nwait_for_stderr_lines:\n  - msg=ready')}-->\n<!-- END_STEP -->\n`,
      { verbose: true, stdout: out },
    );
    expect(statuses(r)).toEqual(['PASS server', 'PASS waiter']);
    expect(r.steps[1]?.commands).toEqual([]);
    expect(out.text).toContain("[waiter] waiting for output of 'server' (up to 60s)\n");
    expect(r.elapsedMs).toBeLessThan(4000);
  });

  it('a line taken by one wait is not taken again by the next wait on that step', async () => {
    const go = fx.path('go');
    const stop = fx.path('stop');
    const wait = (name: string, timeout: number): string =>
      `<!-- STEP\nname: ${name}\nwait_for_step: ticker\nwait_timeout_seconds: ${timeout}\nwait_for_stdout_lines:\n  - tick\n-->\n<!-- END_STEP -->\n`;
    const r = await run(
      step('name: ticker\nbackground: true\ntimeout_seconds: 10', `echo tick; while [ ! -f ${go} ]; do sleep 0.05; done; echo tick; while [ ! -f ${stop} ]; do sleep 0.05; done`) +
        wait('first', 5) +
        step('name: go', `touch ${go}`) +
        wait('second', 5) +
        wait('third', 0.3) +
        step('name: never', `touch ${stop}`),
    );
    expect(statuses(r)).toEqual(['PASS ticker', 'PASS first', 'PASS go', 'PASS second', 'FAIL third', 'SKIP never']);
    const failure = r.steps[4]?.failures[0] ?? '';
    expect(failure).toContain("not seen in the output of step 'ticker' (line 1) within wait_timeout_seconds (0.3s)");
    expect(failure).toContain('missing stdout line: "tick"');
    expect(failure).toMatch(/stdout of 'ticker' so far:\n\s+\| tick\n\s+\| tick/);
    expect(r.elapsedMs).toBeLessThan(5000);
  });

  it('fails at once when the target step has exited without printing the line', async () => {
    const r = await run(
      step('name: quits\nbackground: true', 'echo "crashed"') +
        step('name: pause', 'sleep 0.2') +
        step(waiter('quits', 'wait_timeout_seconds: 30\nwait_for_stdout_lines:\n  - ready'), `touch ${fx.path('ran')}`),
    );
    expect(statuses(r)).toEqual(['PASS quits', 'PASS pause', 'FAIL waiter']);
    expect(r.steps[2]?.failures[0]).toContain("the commands of step 'quits' (line 1) exited before printing");
    expect(existsSync(fx.path('ran'))).toBe(false);
    expect(r.elapsedMs).toBeLessThan(5000);
  });

  it('fails clearly when the target step did not run (not selected by --tag)', async () => {
    const r = await run(
      step('name: server\nbackground: true\ntags: [docker]', 'echo ready') + step(waiter('server', 'wait_for_stdout_lines:\n  - ready'), 'true'),
      { tags: ['linux'] },
    );
    expect(statuses(r)).toEqual(['SKIP server', 'FAIL waiter']);
    expect(r.steps[1]?.failures[0]).toMatch(/step 'server' \(line 1\) did not run \(not selected by --tag.*give this step the same tags/);
  });
});

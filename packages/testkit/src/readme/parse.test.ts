import { parseReadme, parseReadmeFile } from './parse';
import { formatPlan } from './report';
import { ReadmeParseError } from './step';
import { makeFixture, type Fixture } from '../../test/readme-fixtures';

function parseError(markdown: string, strict = false): ReadmeParseError {
  try {
    parseReadme(markdown, { file: 'docs/README.md', strict });
  } catch (err) {
    if (err instanceof ReadmeParseError) return err;
    throw err;
  }
  throw new Error('expected a ReadmeParseError');
}

describe('parseReadme: structure', () => {
  it('reads name, settings and runnable blocks, with line numbers', () => {
    const md = [
      '# Title', //                                   1
      '', //                                          2
      '<!-- STEP', //                                 3
      'name: Run the app', //                         4
      'expected_stdout_lines:', //                    5
      '  - "Got a new order! Order ID: 41"', //       6
      'background: true', //                          7
      '-->', //                                       8
      '```bash', //                                   9
      'minidapr run --app-id order -- node app.js', // 10
      '```', //                                       11
      '<!-- END_STEP -->', //                         12
    ].join('\n');
    const { steps } = parseReadme(md);
    expect(steps).toHaveLength(1);
    const [s] = steps;
    expect(s).toMatchObject({
      index: 1,
      name: 'Run the app',
      line: 3,
      endLine: 12,
      background: true,
      expectedStdoutLines: ['Got a new order! Order ID: 41'],
      expectedReturnCode: 0,
      timeoutSeconds: 300,
      outputMatchMode: 'exact',
      matchOrder: 'sequential',
      commands: [{ lang: 'bash', line: 9, script: 'minidapr run --app-id order -- node app.js' }],
    });
  });

  it('runs only bash/sh/shell/shell-script fences; text, yaml, cmd, json and untagged are ignored', () => {
    const fence = (lang: string, code: string): string => '```' + lang + '\n' + code + '\n```\n';
    const md =
      '<!-- STEP\nname: s\n-->\n' +
      fence('bash', 'echo 1') +
      fence('text', 'echo 2') +
      fence('sh', 'echo 3') +
      fence('yaml', 'a: 1') +
      fence('shell', 'echo 4') +
      fence('cmd', 'dir') +
      fence('shell-script', 'echo 5') +
      fence('json', '{}') +
      fence('', 'echo untagged') +
      '<!-- END_STEP -->\n';
    const [s] = parseReadme(md).steps;
    expect(s?.commands.map((c) => c.script)).toEqual(['echo 1', 'echo 3', 'echo 4', 'echo 5']);
    expect(s?.ignoredBlocks.map((b) => b.lang)).toEqual(['text', 'yaml', 'cmd', 'json', '']);
  });

  it('ignores code blocks outside steps and STEP comments inside code fences', () => {
    const md = [
      '```bash',
      'echo outside',
      '```',
      '````markdown',
      '<!-- STEP',
      'name: only an example',
      '-->',
      '```bash',
      'echo example',
      '```',
      '<!-- END_STEP -->',
      '````',
      '<!-- STEP',
      'name: real',
      '-->',
      '~~~sh',
      'echo real',
      '~~~',
      '<!-- END_STEP -->',
    ].join('\n');
    const { steps } = parseReadme(md);
    expect(steps.map((s) => s.name)).toEqual(['real']);
    expect(steps[0]?.commands.map((c) => c.script)).toEqual(['echo real']);
  });

  it('handles steps indented inside list items (fence content is dedented)', () => {
    const md = [
      '1. Start it:',
      '',
      '   <!-- STEP',
      '   name: indented',
      '   expected_stdout_lines:',
      '     - hi',
      '   -->',
      '',
      '   ```bash',
      '   echo hi',
      '   if true; then',
      '     echo nested',
      '   fi',
      '   ```',
      '',
      '   <!-- END_STEP -->',
    ].join('\n');
    const [s] = parseReadme(md).steps;
    expect(s?.name).toBe('indented');
    expect(s?.expectedStdoutLines).toEqual(['hi']);
    expect(s?.commands[0]?.script).toBe('echo hi\nif true; then\n  echo nested\nfi');
  });

  it('ignores unrelated comments and keeps YAML scalars as written', () => {
    const md = [
      '<!-- just a note -->',
      '<!-- IGNORE_LINKS -->',
      '<!-- STEP',
      'name: 42',
      'expected_stdout_lines:',
      '  - 007',
      '  - yes',
      '  - 1.10',
      'env:',
      '  PORT: 3500',
      '  DEBUG: true',
      '  EMPTY:',
      'tags: linux',
      'expected_return_code:',
      '-->',
      '```sh',
      'echo',
      '```',
      '<!-- END_STEP -->',
      '<!-- END_IGNORE -->',
    ].join('\n');
    const [s] = parseReadme(md).steps;
    expect(s?.name).toBe('42');
    expect(s?.expectedStdoutLines).toEqual(['007', 'yes', '1.10']);
    expect(s?.env).toEqual({ PORT: '3500', DEBUG: 'true', EMPTY: '' });
    expect(s?.tags).toEqual(['linux']);
    expect(s?.expectedReturnCode).toBeNull();
  });

  it('treats empty expected_*_lines as "nothing to check" and accepts upstream keys', () => {
    const md =
      '<!-- STEP\nname: all keys\nexpected_stdout_lines:\nexpected_stderr_lines: []\noutput_match_mode: substring\n' +
      'match_order: none\nexpected_return_code: 3\nbackground: false\nsleep: 2\ntimeout_seconds: 5\nworking_dir: sub\n' +
      'env:\n  A: b\ntags:\n  - x\n  - y\nmanual_pause_message: Check the dashboard\n-->\n```bash\ntrue\n```\n<!-- END_STEP -->\n';
    const [s] = parseReadme(md).steps;
    expect(s).toMatchObject({
      expectedStdoutLines: [],
      expectedStderrLines: [],
      outputMatchMode: 'substring',
      matchOrder: 'none',
      expectedReturnCode: 3,
      background: false,
      sleepSeconds: 2,
      timeoutSeconds: 5,
      workingDir: 'sub',
      env: { A: 'b' },
      tags: ['x', 'y'],
      manualPauseMessage: 'Check the dashboard',
    });
  });
});

describe('parseReadme: errors name the README line', () => {
  it('nested STEP', () => {
    const err = parseError('<!-- STEP\nname: a\n-->\n\n<!-- STEP\nname: b\n-->\n<!-- END_STEP -->\n');
    expect(err.line).toBe(5);
    expect(err.message).toMatch(/^docs\/README\.md:5: .*nested/);
    expect(err.message).toContain('line 1');
  });

  it('stray END_STEP', () => {
    const err = parseError('# x\n\n<!-- END_STEP -->\n');
    expect(err.line).toBe(3);
    expect(err.message).toContain('without a matching <!-- STEP -->');
  });

  it('missing END_STEP at end of file', () => {
    const err = parseError('intro\n<!-- STEP\nname: never closed\n-->\n```bash\necho hi\n```\n');
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/end of the file.*END_STEP/);
  });

  it('missing END_STEP because a fence was never closed', () => {
    const err = parseError('<!-- STEP\nname: a\n-->\n```bash\necho hi\n<!-- END_STEP -->\n');
    expect(err.message).toContain('code fence opened at line 4 is never closed');
  });

  it('strict: unknown key, with a suggestion and the key\'s own line', () => {
    const err = parseError('text\n\n<!-- STEP\nname: typo\nexpected_stdout_line:\n  - hi\n-->\n```bash\necho hi\n```\n<!-- END_STEP -->\n', true);
    expect(err.line).toBe(5);
    expect(err.reason).toContain("unknown key 'expected_stdout_line'");
    expect(err.reason).toContain("did you mean 'expected_stdout_lines'");
  });

  it('YAML on the STEP line itself counts from that line', () => {
    const err = parseError('a\n<!-- STEP name: x\nbogus: 1 -->\n<!-- END_STEP -->\n', true);
    expect(err.line).toBe(3);
    expect(err.reason).toContain("'bogus'");
  });

  it('strict: rejects a trivial check: a runnable command whose expectations are all empty strings', () => {
    const err = parseError('<!-- STEP\nname: trivial\nexpected_stdout_lines:\n  - ""\nexpected_stderr_lines: [" "]\n-->\n```bash\necho hi\n```\n<!-- END_STEP -->\n', true);
    expect(err.line).toBe(1);
    expect(err.reason).toContain('trivial check');
  });

  it('accepts an empty expected line next to real ones', () => {
    const md = '<!-- STEP\nexpected_stdout_lines:\n  - hi\n  - ""\n-->\n```bash\necho hi\n```\n<!-- END_STEP -->\n';
    expect(parseReadme(md).steps[0]?.expectedStdoutLines).toEqual(['hi', '']);
  });

  it('wait_for_* on a foreground step', () => {
    const err = parseError('<!-- STEP\nname: fg\nwait_for_stdout_lines:\n  - ready\n-->\n```bash\necho ready\n```\n<!-- END_STEP -->\n');
    expect(err.line).toBe(3);
    expect(err.reason).toMatch(/only allowed on a background step/);
  });

  it('empty forbidden line', () => {
    const err = parseError('<!-- STEP\nforbidden_stderr_lines: [""]\n-->\n```bash\ntrue\n```\n<!-- END_STEP -->\n');
    expect(err.reason).toContain("'forbidden_stderr_lines' contains an empty line");
  });

  it.each([
    ['output_match_mode: fuzzy', /'output_match_mode' must be one of: exact, substring/],
    ['match_order: random', /'match_order' must be one of: sequential, none/],
    ['timeout_seconds: soon', /'timeout_seconds' must be a number/],
    ['timeout_seconds: 0', /'timeout_seconds' must be greater than 0/],
    ['expected_return_code: 1.5', /'expected_return_code' must be an integer/],
    ['background: maybe', /'background' must be true or false/],
    ['expected_stdout_lines: just one string', /must be a list of lines/],
    ['expected_stdout_lines:\n  -\n  - x', /item 1 of 'expected_stdout_lines' is empty/],
    ['env: [A, B]', /'env' must be a mapping/],
    ['background: true\ntimeout_seconds: -1', /'timeout_seconds' must be greater than 0/],
  ])('invalid value: %s', (yaml, pattern) => {
    const err = parseError(`x\n<!-- STEP\n${yaml}\n-->\n\`\`\`bash\ntrue\n\`\`\`\n<!-- END_STEP -->\n`);
    expect(err.reason).toMatch(pattern);
    expect(err.line).toBeGreaterThanOrEqual(3);
  });
});

describe('parseReadmeFile', () => {
  let fx: Fixture;
  beforeEach(() => (fx = makeFixture()));
  afterEach(() => fx.cleanup());

  it('reads from disk and uses the path in errors', () => {
    const file = fx.readme('<!-- END_STEP -->\n');
    expect(() => parseReadmeFile(file)).toThrow(`${file}:1:`);
    const ok = fx.readme('<!-- STEP\nname: a\n-->\n```bash\ntrue\n```\n<!-- END_STEP -->\n', 'ok.md');
    expect(parseReadmeFile(ok)).toMatchObject({ file: ok, steps: [{ name: 'a' }] });
  });
});

describe('parseReadme: wait_for_step', () => {
  const bg = (name: string): string => `<!-- STEP\nname: ${name}\nbackground: true\n-->\n\`\`\`bash\nsleep 1\n\`\`\`\n<!-- END_STEP -->\n`;
  const fg = (name: string): string => `<!-- STEP\nname: ${name}\n-->\n\`\`\`bash\ntrue\n\`\`\`\n<!-- END_STEP -->\n`;
  /** A foreground step without commands that waits for `target`; its wait_for_step key is on its 3rd line. */
  const waiter = (target: string, extra = ''): string =>
    `<!-- STEP\nname: waiter\nwait_for_step: ${target}\nwait_for_stdout_lines:\n  - ready\n${extra}-->\n<!-- END_STEP -->\n`;

  it('resolves the closest background step above with that name; the waiting step needs no commands', () => {
    const { steps } = parseReadme(bg('server') + fg('client') + bg('server') + waiter('server', 'wait_timeout_seconds: 5\n'));
    const w = steps[3];
    expect(w).toMatchObject({ waitForStep: 'server', waitForStepIndex: 3, waitTimeoutSeconds: 5, background: false, commands: [] });
    expect(steps[0]?.waitForStepIndex).toBeNull();
    const plan = formatPlan(parseReadme(bg('server') + waiter('server')), { shell: ['bash', '-c'], tags: [], isSelected: () => true });
    expect(plan).toContain("wait for stdout of step 'server', before the commands (exact, within 60s):\n    ready");
  });

  it('an unknown name lists the background steps above, at the key line', () => {
    const err = parseError(bg('server') + bg('broker') + fg('client') + waiter('srever'));
    expect(err.line).toBe(26);
    expect(err.reason).toBe("wait_for_step 'srever': no step has that name; background steps above this one: 'server', 'broker'");
  });

  it('a step below (not started yet) or the step itself', () => {
    const later = parseError(waiter('server') + bg('server'));
    expect(later.line).toBe(3);
    expect(later.reason).toContain('that step starts later (line 8)');
    const self = parseError(waiter('waiter'));
    expect(self.reason).toContain('a step cannot wait for itself');
  });

  it('a foreground target has finished already', () => {
    const err = parseError(fg('client') + waiter('client'));
    expect(err.line).toBe(10);
    expect(err.reason).toContain('the step at line 1 is not a background step');
  });

  it('is rejected on a background step, without wait_for lines, or empty', () => {
    const onBg = parseError(bg('server') + '<!-- STEP\nname: b2\nbackground: true\nwait_for_step: server\nwait_for_stdout_lines: [ready]\n-->\n<!-- END_STEP -->\n');
    expect(onBg.line).toBe(12);
    expect(onBg.reason).toContain("'wait_for_step' is only allowed on a foreground step");
    const noLines = parseError(bg('server') + '<!-- STEP\nname: w\nwait_for_step: server\n-->\n<!-- END_STEP -->\n');
    expect(noLines.line).toBe(11);
    expect(noLines.reason).toContain("'wait_for_step' needs 'wait_for_stdout_lines' or 'wait_for_stderr_lines'");
    const empty = parseError(bg('server') + '<!-- STEP\nname: w\nwait_for_step: ""\nwait_for_stdout_lines: [ready]\n-->\n<!-- END_STEP -->\n');
    expect(empty.reason).toContain("'wait_for_step' must name an earlier background step");
  });

  it('wait_for_* on a foreground step without wait_for_step points at wait_for_step', () => {
    const err = parseError(bg('server') + '<!-- STEP\nname: w\nwait_timeout_seconds: 3\n-->\n<!-- END_STEP -->\n');
    expect(err.reason).toContain("or with 'wait_for_step' naming an earlier background step");
  });
});

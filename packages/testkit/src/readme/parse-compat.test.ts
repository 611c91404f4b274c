// Everything mechanical-markdown (mm.py) accepts must parse, with the same meaning. Each case is a
// shape that occurs in the dapr/quickstarts READMEs or follows from how mm.py reads annotations.
import { parseReadme } from './parse';
import { formatPlan } from './report';
import { ReadmeParseError, type Step } from './step';

const fence = (code: string, lang = 'bash'): string => '```' + lang + '\n' + code + '\n```\n';
const oneStep = (yaml: string, body = fence('echo hi')): string => `<!-- STEP\n${yaml}\n-->\n${body}<!-- END_STEP -->\n`;
const only = (markdown: string, strict = false): Step => {
  const { steps } = parseReadme(markdown, { strict });
  expect(steps).toHaveLength(1);
  return steps[0] as Step;
};

describe('parseReadme: keys written without a value (mm.py reads them as None)', () => {
  it.each([
    ['name', { name: '' }],
    ['expected_stdout_lines', { expectedStdoutLines: [] }],
    ['expected_stderr_lines', { expectedStderrLines: [] }],
    ['expected_return_code', { expectedReturnCode: null }],
    ['background', { background: false }],
    ['sleep', { sleepSeconds: 0 }],
    ['timeout_seconds', { timeoutSeconds: 300 }],
    ['working_dir', { workingDir: null }],
    ['env', { env: {} }],
    ['tags', { tags: [] }],
    ['manual_pause_message', { manualPauseMessage: null }],
    ['output_match_mode', { outputMatchMode: 'exact' }],
    ['match_order', { matchOrder: 'sequential' }],
  ])('%s:', (key, expected) => {
    expect(only(oneStep(`${key}:`))).toMatchObject(expected);
  });

  it('the hello-world shape: bare expected_* keys before name, fences indented in a list item', () => {
    const md =
      '<!-- STEP\nexpected_stdout_lines:\nexpected_stderr_lines:\nname: "npm install"\nworking_dir: node\n-->\n\n' +
      '1. Install dependencies:\n\n   ```bash\n   npm install\n   ```\n\n<!-- END_STEP -->\n';
    const s = only(md);
    expect(s).toMatchObject({ name: 'npm install', workingDir: 'node', expectedStdoutLines: [], expectedStderrLines: [], expectedReturnCode: 0 });
    expect(s.commands.map((c) => c.script)).toEqual(['npm install']);
  });
});

describe("parseReadme: expected lines that are empty strings (`- ''`)", () => {
  const trivial = oneStep("name: neworder Test\nexpected_stdout_lines:\n  - ''\nexpected_stderr_lines:");

  it('are accepted with a warning naming the step line, as mm.py accepts them', () => {
    const parsed = parseReadme(`intro\n\n${trivial}`, { file: 'k8s/README.md' });
    expect(parsed.steps[0]?.expectedStdoutLines).toEqual(['']);
    expect(parsed.warnings).toEqual([{ line: 3, message: expect.stringContaining("STEP 'neworder Test' only expects empty lines") as unknown }]);
    expect(formatPlan(parsed, { shell: ['bash', '-c'], tags: [], isSelected: () => true })).toContain('k8s/README.md:3: warning: STEP');
  });

  it('are an error with strict', () => {
    expect(() => parseReadme(trivial, { strict: true })).toThrow(/trivial check/);
  });

  it('next to real lines they are no warning at all', () => {
    expect(parseReadme(oneStep("expected_stdout_lines:\n  - hi\n  - ''")).warnings).toEqual([]);
  });
});

describe('parseReadme: keys mm.py ignores or overrides', () => {
  it('an unknown key is ignored with a warning (and a suggestion when it looks like a typo)', () => {
    const parsed = parseReadme(oneStep('name: a\nexpected_stdout_line:\n  - hi\ncustom_note: kept for humans'));
    expect(parsed.steps[0]?.expectedStdoutLines).toEqual([]);
    expect(parsed.warnings.map((w) => [w.line, w.message.split(';')[0]])).toEqual([
      [3, "unknown key 'expected_stdout_line' in STEP (did you mean 'expected_stdout_lines'?)"],
      [5, "unknown key 'custom_note' in STEP"],
    ]);
  });

  it('a repeated key takes its last value (env is replaced, not merged), with a warning', () => {
    const parsed = parseReadme(oneStep('name: first\nenv:\n  A: "1"\nname: second\nenv:\n  B: "2"'));
    expect(parsed.steps[0]).toMatchObject({ name: 'second', env: { B: '2' } });
    expect(parsed.warnings.map((w) => w.line)).toEqual([5, 6]);
    expect(parsed.warnings[0]?.message).toBe("key 'name' is repeated (first at line 2); the last value is used, as mechanical-markdown does");
  });

  it('both are errors with strict, at the key line', () => {
    const err = (yaml: string): ReadmeParseError => {
      try {
        parseReadme(oneStep(yaml), { strict: true });
      } catch (e) {
        if (e instanceof ReadmeParseError) return e;
      }
      throw new Error('expected a ReadmeParseError');
    };
    expect(err('name: a\nbogus: 1')).toMatchObject({ line: 3, reason: expect.stringContaining("unknown key 'bogus'") as unknown });
    expect(err('name: a\nsleep: 1\nname: b')).toMatchObject({ line: 4, reason: expect.stringContaining("key 'name' is repeated") as unknown });
  });
});

describe('parseReadme: values the way mm.py (PyYAML) reads them', () => {
  it('YAML 1.1 booleans, a single tag as a string, numbers in expected lines', () => {
    expect(only(oneStep('background: yes\ntags: linux\nexpected_stdout_lines:\n  - 42\n  - true\n  - 007'))).toMatchObject({
      background: true,
      tags: ['linux'],
      expectedStdoutLines: ['42', 'true', '007'],
    });
    expect(only(oneStep('background: off')).background).toBe(false);
  });

  it('fractional sleep and timeout, negative return codes (a process killed by SIGTERM is -15 in mm.py)', () => {
    expect(only(oneStep('sleep: 0.5\ntimeout_seconds: 1.5\nexpected_return_code: -15'))).toMatchObject({
      sleepSeconds: 0.5,
      timeoutSeconds: 1.5,
      expectedReturnCode: -15,
    });
  });
});

describe('parseReadme: annotation comment variants', () => {
  const names = (md: string): string[] => parseReadme(md).steps.map((s) => s.name);

  it('no spaces, YAML on the STEP line, an empty STEP, spaces around END_STEP', () => {
    const md =
      '<!--STEP name: tight-->\n' + fence('true') + '<!--END_STEP-->\n' +
      '<!-- STEP -->\n' + fence('true') + '<!--   END_STEP   -->\n' +
      '<!--\nSTEP\nname: token on its own line\n-->\n' + fence('true') + '<!--\nEND_STEP\n-->\n';
    expect(names(md)).toEqual(['tight', '', 'token on its own line']);
  });

  it('the words may follow other text in the comment, as mm.py searches the whole comment', () => {
    const md = '<!-- validated STEP\nname: after text\n-->\n' + fence('echo x') + '<!-- END_STEP: done with it -->\n';
    const [s] = parseReadme(md).steps;
    expect(s?.name).toBe('after text');
    expect(s?.line).toBe(1);
  });

  it('the YAML line numbers count from the line of the STEP word', () => {
    const err = (): unknown => parseReadme('<!--\n\n  STEP\nname: x\noutput_match_mode: fuzzy\n-->\n<!-- END_STEP -->\n');
    expect(err).toThrow(/README\.md:5: 'output_match_mode'/);
  });

  it('only whole words count: STEPS, ENDSTEP or STEP_2 in a comment are ordinary comments', () => {
    const md = '<!-- STEPS below are run in CI -->\n<!-- ENDSTEP -->\n<!-- STEP_2 -->\n' + oneStep('name: real');
    expect(names(md)).toEqual(['real']);
  });

  it('IGNORE_LINKS / END_IGNORE (link checking regions) are accepted anywhere and do not disturb steps', () => {
    const md = '<!-- IGNORE_LINKS -->\n[a](https://example.invalid)\n<!-- END_IGNORE -->\n' + oneStep('name: a', '<!-- IGNORE_LINKS -->\n' + fence('echo a') + '<!-- END_IGNORE -->\n');
    const [s] = parseReadme(md).steps;
    expect(s?.commands.map((c) => c.script)).toEqual(['echo a']);
  });
});

describe('parseReadme: which fences run (mm.py: first word of the info string, case-sensitive)', () => {
  it('bash, sh, shell and shell-script run, with attributes after the word; anything else is shown only', () => {
    const body =
      fence('echo 1', 'bash title="install"') + fence('echo 2', 'sh') + fence('echo 3', 'shell') + fence('echo 4', 'shell-script') +
      '~~~bash\necho 5\n~~~\n' + fence('echo no', 'Bash') + fence('echo no', 'console') + fence('echo no', 'zsh') + fence('echo no', 'powershell') + fence('echo no', '');
    const s = only(oneStep('name: langs', body));
    expect(s.commands.map((c) => c.script)).toEqual(['echo 1', 'echo 2', 'echo 3', 'echo 4', 'echo 5']);
    expect(s.ignoredBlocks.map((b) => b.lang)).toEqual(['Bash', 'console', 'zsh', 'powershell', '']);
  });
});

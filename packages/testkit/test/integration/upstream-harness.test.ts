// The upstream harness end to end on a made-up checkout, with stand-ins for the minidapr CLI and the
// docker shim: sandboxes, PATH, the Makefile-style run-readme call, statuses, leftovers and the table.
import { runUpstreamQuickstarts } from '../../src/upstream/harness';
import type { UpstreamReadme } from '../../src/upstream/quickstarts';
import type { Tools } from '../../src/upstream/sandbox';
import { tempDir, type TempDir } from '../../src/tmp';
import { Capture, step } from '../readme-fixtures';

const FAKE_MINIDAPR = `
const fs = require('fs'), path = require('path');
const home = process.env.MINIDAPR_HOME, [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'init') { fs.mkdirSync(home, { recursive: true }); fs.writeFileSync(path.join(home, 'initialized'), ''); }
else if (cmd === 'list') { const f = path.join(home, 'list.json'); process.stdout.write(fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '[]'); }
else if (cmd === 'stop') { fs.appendFileSync(path.join(home, 'stopped'), rest.join(' ') + '\\n'); }
else console.log('fake dapr ' + process.argv.slice(2).join(' '));
`;

const entry = (id: string): UpstreamReadme => ({ id: `${id}/javascript/http`, readme: `${id}/javascript/http/README.md`, copyRoot: id });

let dir: TempDir;
beforeEach(() => (dir = tempDir('upstream-harness-it-')));
afterEach(() => dir.remove());

it('runs each README in its sandbox like `make validate` and tabulates PASS, FAIL and MISSING', async () => {
  const works = step(
    'name: Tools\nexpected_stdout_lines:\n  - fake dapr run -f .\n  - fake docker compose up -d\n  - in http\n  - sibling copied\n  - home initialised',
    'dapr run -f .\ndocker compose up -d\necho "in $(basename "$PWD")"\n[ -f ../../components/c.yaml ] && echo "sibling copied"\n[ -f "$MINIDAPR_HOME/initialized" ] && echo "home initialised"',
  );
  const leaves = step('name: Leaves an app\nexpected_stdout_lines:\n  - ok', `echo '[{"appId":"left-app","daprdPid":0}]' > "$MINIDAPR_HOME/list.json"; echo ok`);
  dir.write({
    'tools/minidapr.js': FAKE_MINIDAPR,
    'tools/docker.js': "console.log('fake docker ' + process.argv.slice(2).join(' '))",
    'checkout/good/components/c.yaml': 'component',
    'checkout/good/javascript/http/README.md': `# Good\n\n${works}`,
    'checkout/bad/javascript/http/README.md': `# Bad\n\n${leaves}${step('name: Fails', 'exit 4')}`,
  });
  const tools: Tools = { node: process.execPath, minidapr: `${dir.path}/tools/minidapr.js`, dockerShim: `${dir.path}/tools/docker.js` };
  const out = new Capture();
  const outcomes = await runUpstreamQuickstarts({
    checkout: `${dir.path}/checkout`,
    readmes: [entry('good'), entry('bad'), entry('gone')],
    tools,
    killGraceSeconds: 1,
    out,
  });
  expect(outcomes.map((o) => [o.entry.id, o.status, o.steps, o.leftovers])).toEqual([
    ['good/javascript/http', 'PASS', { passed: 1, failed: 0, skipped: 0 }, []],
    ['bad/javascript/http', 'FAIL', { passed: 1, failed: 1, skipped: 0 }, ['left-app']],
    ['gone/javascript/http', 'MISSING', undefined, []],
  ]);
  expect(out.text).toContain('==== [1/3] good/javascript/http/README.md ====');
  // run-readme is called as the Makefiles call mm.py: -l (ignored, noted) and -s "bash -c"
  expect(out.text).toContain('run-readme: note: -l/--validate-links is ignored');
  expect(out.text.trimEnd().split('\n').slice(-5)).toEqual([
    expect.stringMatching(/^RESULT {6}TIME {2}STEPS p\/f\/s {3}README$/),
    expect.stringMatching(/^PASS +\d+\.\ds {2}1\/0\/0 +good\/javascript\/http$/),
    expect.stringMatching(/^FAIL +\d+\.\ds {2}1\/1\/0 +bad\/javascript\/http {2}\(still running afterwards, stopped by the harness: left-app\)$/),
    expect.stringMatching(/^MISSING +0\.0s {2}- +gone\/javascript\/http {2}\(gone\/javascript\/http\/README\.md is not in this checkout\)$/),
    '1 passed, 2 failed',
  ]);
}, 60_000);

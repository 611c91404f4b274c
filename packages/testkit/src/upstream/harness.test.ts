import { join } from 'node:path';
import { tempDir, type TempDir } from '../tmp';
import { formatOutcomeTable, outcomeTotals, readTotals, type ReadmeOutcome } from './harness';
import { UPSTREAM_READMES, type UpstreamReadme } from './quickstarts';

let dir: TempDir;
beforeEach(() => (dir = tempDir('upstream-harness-')));
afterEach(() => dir.remove());

function entry(id: string): UpstreamReadme {
  const e = UPSTREAM_READMES.find((r) => r.id === id);
  if (!e) throw new Error(`no entry ${id}`);
  return e;
}
const [si, pubsub, hello] = ['service_invocation/javascript/http', 'pub_sub/javascript/http', 'tutorials/hello-world'].map(entry) as [UpstreamReadme, UpstreamReadme, UpstreamReadme];

describe('readTotals', () => {
  it('sums the lines run-readme appended and ignores anything else', () => {
    dir.write({ totals: '3 1 2 run-readme /x\n2 0 0 run-readme /y\nnot a line\n\n' });
    expect(readTotals(join(dir.path, 'totals'))).toEqual({ passed: 5, failed: 1, skipped: 2 });
    expect(readTotals(join(dir.path, 'missing'))).toBeUndefined();
  });
});

describe('the PASS/FAIL table', () => {
  const outcomes: ReadmeOutcome[] = [
    { entry: si, status: 'PASS', seconds: 61.25, steps: { passed: 2, failed: 0, skipped: 0 }, leftovers: [] },
    { entry: pubsub, status: 'FAIL', seconds: 48, steps: { passed: 1, failed: 1, skipped: 0 }, leftovers: ['checkout-http', 'order-processor-http'] },
    { entry: hello, status: 'MISSING', seconds: 0, leftovers: [], note: 'tutorials/hello-world/README.md is not in this checkout' },
  ];

  it('one row per README with status, time, step counts and notes, then the totals line', () => {
    expect(formatOutcomeTable(outcomes, 'qs').split('\n')).toEqual([
      '',
      '==== original dapr/quickstarts READMEs against minidapr (qs) ====',
      'RESULT      TIME  STEPS p/f/s   README',
      'PASS       61.3s  2/0/0         service_invocation/javascript/http',
      'FAIL       48.0s  1/1/0         pub_sub/javascript/http  (still running afterwards, stopped by the harness: checkout-http, order-processor-http)',
      'MISSING     0.0s  -             tutorials/hello-world  (tutorials/hello-world/README.md is not in this checkout)',
      '1 passed, 2 failed',
      '',
    ]);
  });

  it('counts READMEs: only PASS passes, SKIP is skipped, the rest failed', () => {
    expect(outcomeTotals([...outcomes, { entry: si, status: 'SKIP', seconds: 0, leftovers: [] }])).toEqual({ passed: 1, failed: 2, skipped: 1 });
  });
});

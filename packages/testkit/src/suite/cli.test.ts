import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp';
import { main } from './cli';

/** A node one-liner that records a run in the totals file and exits with `code`. */
function recorder(line: string, code = 0): string[] {
  return [process.execPath, '-e', `require('fs').appendFileSync(process.env.MINIDAPR_TEST_TOTALS, ${JSON.stringify(line + '\n')}); process.exit(${code})`];
}

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), out };
  } finally {
    spy.mockRestore();
  }
}

describe('test-summary', () => {
  const saved = process.env.MINIDAPR_TEST_TOTALS;
  beforeEach(() => delete process.env.MINIDAPR_TEST_TOTALS);
  afterAll(() => {
    if (saved === undefined) delete process.env.MINIDAPR_TEST_TOTALS;
    else process.env.MINIDAPR_TEST_TOTALS = saved;
  });

  it('closes with the counts the command recorded and exits 0 when all passed', async () => {
    const r = await run(['--', ...recorder('4 0 1 jest a')]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').pop()).toBe('Tests: 4 passed, 0 failed, 1 skipped');
  });

  it('fails when a test failed even though the command exited 0', async () => {
    const r = await run(['--', ...recorder('4 2 0 jest a')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Tests: 4 passed, 2 failed, 0 skipped');
  });

  it("keeps the command's own exit status", async () => {
    const r = await run(['--', ...recorder('1 0 0 jest a', 3)]);
    expect(r.code).toBe(3);
  });

  it("inside an outer run, appends to the outer file and prints only its own part", async () => {
    const dir = tempDir('summary-outer');
    try {
      const file = join(dir.path, 'totals');
      writeFileSync(file, '100 0 0 earlier\n');
      process.env.MINIDAPR_TEST_TOTALS = file;
      const r = await run(['--', ...recorder('2 0 0 jest inner')]);
      expect(r.out).toContain('Tests: 2 passed, 0 failed, 0 skipped');
      expect(readFileSync(file, 'utf8')).toBe('100 0 0 earlier\n2 0 0 jest inner\n');
    } finally {
      dir.remove();
    }
  });

  it('prints usage and exits 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Usage: test-summary');
  });
});

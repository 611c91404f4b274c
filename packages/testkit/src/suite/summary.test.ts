import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp';
import { closingLine, latestTurboSummary, parseTurboSummary, sumTotals } from './summary';

describe('sumTotals', () => {
  it('adds every run line and ignores anything else', () => {
    const text = '10 0 2 jest /a\n3 1 0 run-readme /b\nnot a line\n\n5 0 0\n';
    expect(sumTotals(text)).toEqual({ passed: 18, failed: 1, skipped: 2, runs: 3 });
  });
});

describe('turbo summaries', () => {
  const run = (tasks: unknown[]) => JSON.stringify({ execution: {}, tasks });

  it('counts planned, started and failed tasks', () => {
    const s = parseTurboSummary(
      run([
        { taskId: 'a#test', execution: { exitCode: 0 } },
        { taskId: 'b#test', execution: { exitCode: 1 } },
        { taskId: 'c#test', execution: null },
        { taskId: 'd#test' },
      ]),
    );
    expect(s).toEqual({ total: 4, ran: 2, failed: ['b#test'] });
  });

  it('reads the newest summary written since the run started, and none older', () => {
    const dir = tempDir('turbo-runs');
    try {
      const runs = join(dir.path, '.turbo', 'runs');
      mkdirSync(runs, { recursive: true });
      writeFileSync(join(runs, 'old.json'), run([{ taskId: 'old#x', execution: { exitCode: 0 } }]));
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(runs, 'old.json'), past, past);
      const since = Date.now() - 1000;
      expect(latestTurboSummary(dir.path, since)).toBeUndefined();
      writeFileSync(join(runs, 'new.json'), run([{ taskId: 'new#x', execution: { exitCode: 2 } }]));
      expect(latestTurboSummary(dir.path, since)).toEqual({ total: 1, ran: 1, failed: ['new#x'] });
      expect(latestTurboSummary(join(dir.path, 'nowhere'), since)).toBeUndefined();
    } finally {
      dir.remove();
    }
  });
});

describe('closingLine', () => {
  it('states the tests and, with turbo, how many tasks ran', () => {
    const t = { passed: 7, failed: 1, skipped: 2, runs: 2 };
    expect(closingLine(t)).toBe('Tests: 7 passed, 1 failed, 2 skipped');
    expect(closingLine(t, { total: 3, ran: 3, failed: ['x#lint'] })).toBe('Tests: 7 passed, 1 failed, 2 skipped · Tasks: 3 of 3 ran, 1 failed (x#lint)');
  });
});

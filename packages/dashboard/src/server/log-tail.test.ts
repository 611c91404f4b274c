import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLines, LogFollower } from './log-tail';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dash-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('returns the last n lines, or undefined for a missing file', () => {
  const f = join(dir, 'a.log');
  writeFileSync(f, 'one\r\ntwo\nthree\n');
  expect(lastLines(f, 2)).toEqual(['two', 'three']);
  expect(lastLines(f, 10)).toEqual(['one', 'two', 'three']);
  expect(lastLines(f, 0)).toEqual([]);
  expect(lastLines(join(dir, 'none.log'), 5)).toBeUndefined();
});

it('follows appended complete lines only, and restarts on a replaced file', () => {
  const f = join(dir, 'b.log');
  writeFileSync(f, 'old\n');
  const seen: string[] = [];
  const follower = new LogFollower(f, (l) => seen.push(l));
  follower.poll();
  expect(seen).toEqual([]);
  appendFileSync(f, 'new 1\nhalf');
  follower.poll();
  expect(seen).toEqual(['new 1']);
  appendFileSync(f, ' line\n');
  follower.poll();
  expect(seen).toEqual(['new 1', 'half line']);
  writeFileSync(f, 'x\n');
  follower.poll();
  expect(seen).toEqual(['new 1', 'half line', 'x']);
});

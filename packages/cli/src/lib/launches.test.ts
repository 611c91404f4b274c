/** Launch records: only what `minidapr run` started itself, still the same process, counts. */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRecordedLaunch, launchesDir, processStartTime, recordLaunch } from './launches';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'minidapr-launches-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

it('records a pid with its start time in a private dir and recognises it', () => {
  recordLaunch(home, process.pid, 'cli');
  expect(statSync(launchesDir(home)).mode & 0o777).toBe(0o700);
  const file = join(launchesDir(home), `${process.pid}.json`);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ pid: process.pid, startTime: processStartTime(process.pid), role: 'cli' });
  expect(isRecordedLaunch(home, process.pid)).toBe(true);
});

it('does not recognise a pid it never recorded (e.g. one set through PUT /v1.0/metadata/appPID)', () => {
  expect(isRecordedLaunch(home, process.pid)).toBe(false);
  expect(isRecordedLaunch(home, 1)).toBe(false);
});

it('does not recognise a reused pid (the start time differs) or a record others could write', () => {
  recordLaunch(home, process.pid, 'app');
  const file = join(launchesDir(home), `${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ pid: process.pid, startTime: '1', role: 'app' }), { mode: 0o600 });
  expect(isRecordedLaunch(home, process.pid)).toBe(false);
  recordLaunch(home, process.pid, 'app');
  chmodSync(file, 0o666);
  expect(isRecordedLaunch(home, process.pid)).toBe(false);
});

it('prunes records of processes that are gone', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
  const pid = child.pid as number;
  recordLaunch(home, pid, 'app');
  expect(isRecordedLaunch(home, pid)).toBe(true);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  expect(isRecordedLaunch(home, pid)).toBe(false);
  recordLaunch(home, process.pid, 'cli'); // writing a record prunes stale ones
  expect(() => statSync(join(launchesDir(home), `${pid}.json`))).toThrow();
});

import { exitCodeOf, groupMembers, isAlive, spawnGroup } from './processes';

const node = process.execPath;
// A parent that starts a child ignoring SIGTERM, then prints both pids.
const TREE = `
const { spawn } = require('child_process');
const c = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('child up')"], { stdio: 'inherit' });
console.log('pids', process.pid, c.pid);
setInterval(() => {}, 1000);
`;

it('exitCodeOf gives the code, or 128 + the signal number', () => {
  expect(exitCodeOf({ code: 3, signal: null })).toBe(3);
  expect(exitCodeOf({ code: null, signal: 'SIGTERM' })).toBe(143);
  expect(exitCodeOf({ code: null, signal: 'SIGKILL' })).toBe(137);
});

it('spawnGroup passes output through and reports the exit code', async () => {
  let out = '';
  const p = await spawnGroup(node, ['-e', 'console.log("hi"); process.exit(7)'], { cwd: process.cwd(), env: process.env, onOutput: (_s, c) => (out += c) });
  expect(await p.exited).toEqual({ code: 7, signal: null });
  expect(out).toBe('hi\n');
  expect(p.hasExited()).toBe(true);
});

it('spawnGroup rejects when the command does not exist', async () => {
  await expect(spawnGroup('definitely-not-a-command-xyz', [], { cwd: process.cwd(), env: process.env, onOutput: () => {} })).rejects.toThrow(/ENOENT/);
});

it('stop() ends the whole group, escalating to SIGKILL for a child that ignores SIGTERM', async () => {
  let out = '';
  const p = await spawnGroup(node, ['-e', TREE], { cwd: process.cwd(), env: process.env, onOutput: (_s, c) => (out += c) });
  const deadline = Date.now() + 5000;
  while (!/child up/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const childPid = Number(/pids \d+ (\d+)/.exec(out)?.[1]);
  expect(isAlive(childPid)).toBe(true);
  expect(groupMembers(p.pid).sort()).toEqual([p.pid, childPid].sort());
  expect(await p.stop(300)).toBe(true);
  expect(isAlive(childPid)).toBe(false);
  expect(groupMembers(p.pid)).toEqual([]);
});

it('isAlive is false for impossible pids', () => {
  expect(isAlive(0)).toBe(false);
  expect(isAlive(-5)).toBe(false);
  expect(isAlive(process.pid)).toBe(true);
});

import { readFileSync } from 'node:fs';
import { isProcessGroupAlive, ProcessGroupRegistry, startCommand, type StartOptions } from './exec';
import { pidGone, waitUntil } from '../../test/readme-fixtures';

const linuxIt = process.platform === 'linux' ? it : it.skip;

function opts(script: string, extra: Partial<StartOptions> = {}): StartOptions {
  return { shell: ['bash', '-c'], script, cwd: process.cwd(), env: process.env, timeoutMs: 10_000, killGraceMs: 1000, ...extra };
}

const started: number[] = [];
afterEach(() => {
  // Safety net: never leave a test's process group behind.
  for (const pgid of started.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

function track<T extends { pgid: number | undefined }>(cmd: T): T {
  if (cmd.pgid !== undefined) started.push(cmd.pgid);
  return cmd;
}

describe('startCommand', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const chunks: string[] = [];
    const cmd = track(startCommand(opts('echo out; echo err >&2; exit 4', { onOutput: (s, c) => chunks.push(`${s}:${c}`) })));
    const r = await cmd.done;
    expect(r).toMatchObject({ exitCode: 4, signal: null, timedOut: false, terminated: false });
    expect(cmd.stdout).toBe('out\n');
    expect(cmd.stderr).toBe('err\n');
    expect(chunks).toEqual(expect.arrayContaining(['stdout:out\n', 'stderr:err\n']));
  });

  linuxIt('runs every command in its own process group', async () => {
    const cmd = track(startCommand(opts('read -r _ _ _ _ pgrp _ < /proc/$$/stat; echo "$$ $pgrp"')));
    await cmd.done;
    const [pid, pgrp] = cmd.stdout.trim().split(' ').map(Number);
    expect(pid).toBe(cmd.pgid);
    expect(pgrp).toBe(cmd.pgid);
    const ownPgrp = Number(/\) \S+ \d+ (\d+)/.exec(readFileSync('/proc/self/stat', 'utf8'))?.[1]);
    expect(pgrp).not.toBe(ownPgrp);
  });

  it('on timeout SIGTERMs the whole group, grandchildren included', async () => {
    const cmd = track(startCommand(opts('sleep 1000 & echo $!; wait', { timeoutMs: 300 })));
    await waitUntil(() => /\d+\n/.test(cmd.stdout), 3000);
    const grandchild = Number(cmd.stdout.trim());
    const r = await cmd.done;
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(await waitUntil(() => pidGone(grandchild), 3000)).toBe(true);
  });

  it('on timeout SIGTERMs the leader first, so it can stop its children itself, then the rest of the group', async () => {
    // The leader reports whether its child was still alive when the leader got SIGTERM, then exits 0.
    const script = "sleep 1000 & child=$!; echo $child; trap 'kill -0 $child && echo child-alive-at-term; exit 0' TERM; while :; do sleep 0.05; done";
    const cmd = track(startCommand(opts(script, { timeoutMs: 300 })));
    await waitUntil(() => /\d+\n/.test(cmd.stdout), 3000);
    const child = Number(cmd.stdout.split('\n')[0]);
    const r = await cmd.done;
    expect(r).toMatchObject({ timedOut: true, exitCode: 0, signal: null });
    expect(cmd.stdout).toContain('child-alive-at-term');
    // the leader left its child behind: the group SIGTERM after the leader exited stops it
    expect(await waitUntil(() => pidGone(child), 3000)).toBe(true);
  });

  it('a leader that ignores SIGTERM: the rest of the group gets SIGTERM after half the grace period', async () => {
    const cmd = track(startCommand(opts("sleep 1000 & c=$!; echo $c; trap '' TERM; wait $c", { timeoutMs: 200, killGraceMs: 1000 })));
    await waitUntil(() => /\d+\n/.test(cmd.stdout), 3000);
    const r = await cmd.done;
    // the child died of SIGTERM half-way through the grace period, so `wait` returned 143 and bash exited
    expect(r).toMatchObject({ timedOut: true, exitCode: 143, signal: null });
    expect(r.durationMs).toBeGreaterThanOrEqual(650);
    expect(r.durationMs).toBeLessThan(1150);
  });

  it('SIGKILLs a group that ignores SIGTERM once the grace period is over', async () => {
    const cmd = track(startCommand(opts("trap '' TERM; sleep 1000 & echo $!; wait", { timeoutMs: 200, killGraceMs: 400 })));
    await waitUntil(() => /\d+\n/.test(cmd.stdout), 3000);
    const grandchild = Number(cmd.stdout.trim());
    const r = await cmd.done;
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(r.durationMs).toBeGreaterThanOrEqual(550);
    expect(await waitUntil(() => pidGone(grandchild), 3000)).toBe(true);
  });

  it('terminate() stops a running command and marks it terminated', async () => {
    const cmd = track(startCommand(opts('echo up; sleep 1000')));
    await waitUntil(() => cmd.stdout.includes('up'), 3000);
    const r = await cmd.terminate();
    expect(r).toMatchObject({ terminated: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
  });

  it('reports a shell that cannot be started', async () => {
    const cmd = startCommand(opts('true', { shell: ['/nonexistent/shell-for-test', '-c'] }));
    const r = await cmd.done;
    expect(r.error).toMatch(/ENOENT/);
    expect(cmd.pgid).toBeUndefined();
  });

  it('does not hang on a leftover child holding the pipes, and cleanup() kills it', async () => {
    const cmd = track(startCommand(opts('sleep 1000 & echo $!')));
    const t0 = Date.now();
    const r = await cmd.done;
    expect(r.exitCode).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    const leftover = Number(cmd.stdout.trim());
    expect(pidGone(leftover)).toBe(false);
    expect(isProcessGroupAlive(cmd.pgid as number)).toBe(true);
    await cmd.cleanup(1000);
    expect(await waitUntil(() => pidGone(leftover), 3000)).toBe(true);
    expect(isProcessGroupAlive(cmd.pgid as number)).toBe(false);
  });
});

describe('ProcessGroupRegistry', () => {
  it('killAll stops every registered group', async () => {
    const registry = new ProcessGroupRegistry();
    const a = track(startCommand(opts('sleep 1000 & echo $!; wait', { registry })));
    const b = track(startCommand(opts('sleep 1000', { registry })));
    await waitUntil(() => a.stdout.trim() !== '', 3000);
    expect(registry.list().sort()).toEqual([a.pgid, b.pgid].sort());
    await registry.killAll(1000);
    expect(registry.list()).toEqual([]);
    expect(await waitUntil(() => pidGone(Number(a.stdout.trim())), 3000)).toBe(true);
    expect((await b.done).signal).toBe('SIGTERM');
  });

  it('killAllSync works where nothing async can run (exit hooks)', async () => {
    const registry = new ProcessGroupRegistry();
    const a = track(startCommand(opts('sleep 1000', { registry })));
    registry.killAllSync(1000);
    expect(registry.list()).toEqual([]);
    expect((await a.done).signal).toBe('SIGTERM');
  });
});

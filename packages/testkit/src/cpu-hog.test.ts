/** The CPU hog: its processes spin (use CPU time) until stop(), and are gone afterwards. */
import { readFileSync } from 'node:fs';
import { startCpuHog } from './cpu-hog';
import { stopAll } from './processes';
import { waitFor } from './wait';

afterAll(async () => {
  await stopAll();
});

/** utime + stime of a process in clock ticks, from /proc (Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

const linux = process.platform === 'linux';

(linux ? it : it.skip)('spins one process per requested core until stopped', async () => {
  const hog = await startCpuHog(2);
  expect(hog.processes).toHaveLength(2);
  const before = hog.processes.map((p) => cpuTicks(p.pid));
  await waitFor('the hogs to use CPU time', () => hog.processes.every((p, i) => cpuTicks(p.pid) > (before[i] as number)), { timeoutMs: 5000 });
  await hog.stop();
  for (const p of hog.processes) expect(p.child.exitCode !== null || p.child.signalCode !== null).toBe(true);
});

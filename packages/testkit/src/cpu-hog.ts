/**
 * @module cpu-hog
 * Busy-looping processes, one per core by default, that compete with the processes under test for
 * the CPU: races that only show on a loaded machine (a lock holder descheduled mid-step) then show
 * in tests too. Every hog is a spawnProcess child, so stopAll() also ends them.
 */
import { availableParallelism } from 'node:os';
import { spawnProcess, type Spawned } from './processes';

export interface CpuHog {
  processes: Spawned[];
  stop(): Promise<void>;
}

const SPIN = 'process.stdout.write("spinning\\n"); for (;;) {}';

/** Starts `count` spinning processes and resolves once every one is spinning. */
export async function startCpuHog(count = availableParallelism()): Promise<CpuHog> {
  const processes = Array.from({ length: count }, () => spawnProcess(process.execPath, ['-e', SPIN]));
  const hog: CpuHog = {
    processes,
    async stop() {
      // A busy loop never yields to a signal handler, and there is nothing to flush: kill at once.
      await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    },
  };
  try {
    await Promise.all(processes.map((p) => p.waitForOutput('spinning')));
  } catch (err) {
    await hog.stop();
    throw err;
  }
  return hog;
}

/**
 * A topology that cannot start: the runner reports why (the dependency's exit code or the health
 * check that never passed, with the output so far) and removes everything it had created. And a
 * run whose process died without tearing down is swept by the next run, in the root namespace it
 * was created under.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { createNetwork, leftovers, requireNetnsSync, startTopology, sweepDeadRuns } from '../../../src/netns';
import { forgetRun, recordRun, removeRun, RUNS_DIR } from '../../../src/netns/runs';

jest.setTimeout(30000);
const maybe = requireNetnsSync('netns teardown on failure') ? it.skip : it;

const dir = tempDir('minidapr-netns-fail-');
/** The pid of a process that has exited: the owner of a run whose process died. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
afterAll(() => dir.remove());

const COMPOSE = (healthTest: string, command: string) => `
services:
  api:
    build: { context: ., dockerfile: api/Dockerfile }
    command: ${command}
    healthcheck: { test: ${healthTest} }
  client:
    build: { context: ., dockerfile: api/Dockerfile }
    command: ["node", "-e", "console.log('never started')"]
    depends_on: { api: { condition: service_healthy } }
`;

beforeAll(() => dir.write({ 'api/Dockerfile': 'FROM node:20\n' }));

maybe('a dependency that exits before it is healthy: the error says so and nothing is left', async () => {
  dir.write({ 'crash.yaml': COMPOSE('["CMD", "false"]', `["node", "-e", "console.log('booting'); process.exit(3)"]`) });
  const id = 'f1' + Math.floor(Math.random() * 0xfff).toString(16);
  const err = (await startTopology({ composeFile: join(dir.path, 'crash.yaml'), repoRoot: dir.path, networkId: id }).catch((e: Error) => e)) as Error;
  expect(err).toBeInstanceOf(Error);
  expect(err.message).toMatch(/^api \(.*node -e .*\) exited with code 3 before it was healthy \(needed by client\)/);
  expect(err.message).toContain('api | booting');
  expect(err.message).not.toContain('never started');
  expect(leftovers(id)).toEqual([]);
});

maybe('a health check that never passes: the start times out and nothing is left', async () => {
  dir.write({ 'stuck.yaml': COMPOSE('["CMD", "false"]', `["node", "-e", "setInterval(() => {}, 1000)"]`) });
  const id = 'f2' + Math.floor(Math.random() * 0xfff).toString(16);
  const err = (await startTopology({ composeFile: join(dir.path, 'stuck.yaml'), repoRoot: dir.path, networkId: id, startTimeoutMs: 1500 }).catch((e: Error) => e)) as Error;
  expect(err.message).toMatch(/^timed out after 1500 ms waiting for api \(.*\) to be healthy \(needed by client\)/);
  expect(leftovers(id)).toEqual([]);
});

maybe('a run whose owner died is swept: its processes killed, its namespaces and links removed', async () => {
  const id = 'f3' + Math.floor(Math.random() * 0xfff).toString(16);
  const network = createNetwork(['a', 'b'], { id });
  network.writeHosts(new Map([['a', network.group('a').ip]]));
  const orphan = spawn('ip', ['netns', 'exec', network.group('a').ns, 'sleep', '60'], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => orphan.once('exit', (code, signal) => resolve(signal)));
  // Pretend the owner was a process that has exited since.
  writeFileSync(join(RUNS_DIR, id), deadPid());
  // The two groups' and the switch's namespaces (and /etc/netns folders of the same names), the root's uplink.
  expect(leftovers(id).sort()).toEqual([network.group('a').ns, network.group('b').ns, network.switchNs, network.uplink].sort());

  expect(sweepDeadRuns()).toContain(id);
  expect(await exited).toBe('SIGKILL');
  expect(leftovers(id)).toEqual([]);
  expect(network.remove()).toEqual([]); // nothing left to remove, and no complaint about it
});

maybe('a dead run rooted in another namespace is swept there: its uplink is removed from that namespace', async () => {
  // The stand-in root belongs to a run of this test's own, so a crash of this test is swept too.
  const rootRun = 'f5' + Math.floor(Math.random() * 0xfff).toString(16);
  const root = `minidapr-${rootRun}-root`;
  recordRun(rootRun);
  try {
    execFileSync('ip', ['netns', 'add', root]);
    const id = 'f4' + Math.floor(Math.random() * 0xfff).toString(16);
    const network = createNetwork(['a'], { id, root });
    expect(leftovers(id, root)).toContain(network.uplink);
    expect(leftovers(id)).not.toContain(network.uplink); // not in this process's namespace
    writeFileSync(join(RUNS_DIR, id), `${deadPid()}\n${root}`);

    // Gone at once: deleted in the recorded root, not left for the kernel to free with the switch namespace.
    expect(sweepDeadRuns()).toContain(id);
    expect(leftovers(id, root)).toEqual([]);
    expect(network.remove()).toEqual([]);
  } finally {
    removeRun(rootRun);
    forgetRun(rootRun);
  }
});

/**
 * End to end with a real Docker engine: `docker compose up --build --wait` on compose/hello-world
 * and on compose/hello-dapr-slim (profile http), check what the step's README shows, then `down`.
 * Runs only where `docker info` answers; everywhere else it says so and skips (the netns tests in
 * ../netns run the same compose files without containers).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as compose from 'docker-compose';
import { waitFor } from '@minidapr/testkit';
import { repoRoot } from '../../../src/repo';

// Building the images from scratch takes minutes; a warm cache takes seconds.
jest.setTimeout(15 * 60 * 1000);

function dockerUnavailable(): string | undefined {
  try {
    execFileSync('docker', ['info'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 15000 });
    return undefined;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    const why = (e.stderr?.toString().trim().split('\n').pop() || e.message).slice(0, 200);
    process.stdout.write(`SKIPPED: docker compose end-to-end tests: no Docker engine answers (\`docker info\` failed: ${why})\n`);
    return why;
  }
}

const maybe = dockerUnavailable() ? it.skip : it;
const ROOT = repoRoot();
const project = `minidapr-e2e-${randomBytes(3).toString('hex')}`;
let up: compose.IDockerComposeOptions | undefined;

afterEach(async () => {
  if (up) await compose.down({ ...up, commandOptions: ['--volumes', '--remove-orphans'] }).catch(() => undefined);
  up = undefined;
});

const options = (step: string, profiles: string[]): compose.IDockerComposeOptions => ({
  cwd: join(ROOT, 'compose', step),
  composeOptions: [['--project-name', `${project}-${step}`], ...profiles.map((p) => ['--profile', p])],
});

const logsOf = async (opts: compose.IDockerComposeOptions, service: string): Promise<string> => {
  const r = await compose.logs(service, { ...opts, follow: false });
  return r.out + r.err;
};

maybe('hello-world: up --build --wait, then nodeapp persists the orders pythonapp sends', async () => {
  up = options('hello-world', []);
  await compose.upAll({ ...up, commandOptions: ['--build', '--wait'] });
  const opts = up;
  await waitFor('nodeapp to persist order 1', async () => (await logsOf(opts, 'nodeapp')).includes('Successfully persisted state for Order ID: 1'), {
    timeoutMs: 60000,
    intervalMs: 1000,
  });
  expect(await logsOf(opts, 'nodeapp')).toContain('Got a new order! Order ID: 1');
});

maybe('hello-dapr-slim (http): up --build --wait, then the published sidecar port invokes nodeapp', async () => {
  up = options('hello-dapr-slim', ['http']);
  await compose.upAll({ ...up, commandOptions: ['--build', '--wait'] });
  const res = await fetch('http://127.0.0.1:3500/v1.0/invoke/nodeapp/method/neworder', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { orderId: '41' } }),
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('Got a new order! Order ID: 41');
  const opts = up;
  await waitFor('the app log line', async () => (await logsOf(opts, 'nodeapp-http')).includes('Got a new order! Order ID: 41'), { timeoutMs: 20000, intervalMs: 500 });
});

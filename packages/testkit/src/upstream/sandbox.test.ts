import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pidGone, waitUntil } from '../../test/readme-fixtures';
import { freePort } from '../ports';
import { requireRedisServerBinary } from '../redis-server';
import { serviceAvailable } from '../services';
import { tempDir, type TempDir } from '../tmp';
import { runDockerShim, STATE_ENV } from './docker-shim';
import { listPrivateRedis, privateRedisPid } from './private-redis';
import { selectReadmes } from './quickstarts';
import {
  createSandbox,
  dapr,
  forwarderScript,
  initHome,
  pointRedisComponent,
  removeSandbox,
  shimDatabases,
  startPrivateServers,
  stopLeftovers,
  stopPrivateServers,
  type Sandbox,
  type Tools,
} from './sandbox';

// A stand-in for the minidapr CLI: init, list -o json (from $MINIDAPR_HOME/list.json) and stop (logged).
const FAKE_MINIDAPR = `
const fs = require('fs'), path = require('path');
const home = process.env.MINIDAPR_HOME, [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'init') {
  if (process.env.FAKE_INIT_FAIL) { console.error('boom'); process.exit(3); }
  fs.mkdirSync(home, { recursive: true }); fs.writeFileSync(path.join(home, 'initialized'), 'yes'); console.log('init ok');
} else if (cmd === 'list') {
  const f = path.join(home, 'list.json'); process.stdout.write(fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '[]');
} else if (cmd === 'stop') {
  fs.appendFileSync(path.join(home, 'stopped'), rest.join(' ') + '\\n');
} else { console.log('fake minidapr ' + process.argv.slice(2).join(' ')); }
`;

// dapr/quickstarts state_management/resources/statestore.yaml, in shape (its layout, our text).
const STATESTORE =
  'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.redis\n  version: v1\n  metadata:\n' +
  '  - name: redisHost\n    value: localhost:6379\n  - name: redisPassword\n    value: ""\n  - name: actorStateStore\n    value: "true"';

let dir: TempDir;
let tools: Tools;
const sandboxes: Sandbox[] = [];
beforeEach(() => {
  dir = tempDir('upstream-sandbox-');
  dir.write({
    'tools/minidapr.js': FAKE_MINIDAPR,
    'tools/docker.js': "console.log('fake docker ' + process.argv.slice(2).join(' '))",
    'checkout/secrets_management/components/local-secret-store.yaml': 'store',
    'checkout/secrets_management/javascript/http/README.md': '# readme',
    'checkout/resiliency/service-to-component-resiliency.md': '# tutorial',
    'checkout/state_management/resources/statestore.yaml': STATESTORE,
  });
  tools = { node: process.execPath, minidapr: join(dir.path, 'tools/minidapr.js'), dockerShim: join(dir.path, 'tools/docker.js') };
});
afterEach(() => {
  for (const s of sandboxes.splice(0)) removeSandbox(s);
  dir.remove();
});

function sandbox(env: NodeJS.ProcessEnv = { PATH: process.env.PATH, MINIDAPR_TEST_TOTALS: '/elsewhere' }, id = 'secrets_management/javascript/http'): Sandbox {
  const entry = selectReadmes([id])[0];
  if (!entry) throw new Error('no entry');
  const s = createSandbox(join(dir.path, 'checkout'), entry, tools, env);
  sandboxes.push(s);
  return s;
}

describe('forwarderScript', () => {
  it('execs node with the entry and every argument, quoting paths safely', () => {
    expect(forwarderScript('/opt/node', "/a b/it's.js")).toBe(`#!/bin/sh\nexec '/opt/node' '/a b/it'\\''s.js' "$@"\n`);
  });
});

describe('createSandbox', () => {
  it('copies the quickstart and puts executable dapr and docker shims first on PATH, with its own home', () => {
    const s = sandbox();
    expect(readFileSync(s.readme, 'utf8')).toBe('# readme');
    expect(existsSync(join(s.root, 'secrets_management/components/local-secret-store.yaml'))).toBe(true);
    for (const name of ['dapr', 'docker']) expect(statSync(join(s.bin, name)).mode & 0o111).not.toBe(0);
    expect(s.env.PATH?.split(delimiter)[0]).toBe(s.bin);
    expect(s.env).toMatchObject({ MINIDAPR_HOME: s.home, [STATE_ENV]: s.dockerState });
    expect(s.env.MINIDAPR_TEST_TOTALS).toBeUndefined();
    const viaPath = spawnSync('sh', ['-c', 'dapr run --app-id x && docker compose up -d'], { env: s.env, encoding: 'utf8' });
    expect(viaPath.stdout).toBe('fake minidapr run --app-id x\nfake docker compose up -d\n');
  });

  it('initHome runs `dapr init` in the home, and fails with its output', () => {
    const s = sandbox();
    initHome(s);
    expect(readFileSync(join(s.home, 'initialized'), 'utf8')).toBe('yes');
    const bad = sandbox({ PATH: process.env.PATH, FAKE_INIT_FAIL: '1' });
    expect(() => initHome(bad)).toThrow(/'dapr init' \(minidapr init\) failed with exit code 3:\nboom/);
  });
});

describe('stopLeftovers', () => {
  it('returns nothing when no app is listed', async () => {
    const s = sandbox();
    initHome(s);
    expect(await stopLeftovers(s)).toEqual([]);
    expect(existsSync(join(s.home, 'stopped'))).toBe(false);
  });

  it('runs dapr stop for every listed app and kills its processes that are still alive', async () => {
    const s = sandbox();
    initHome(s);
    const stray = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
    const pid = stray.pid ?? -1;
    try {
      writeFileSync(join(s.home, 'list.json'), JSON.stringify([{ appId: 'order-processor', daprdPid: pid, cliPid: 0, appPid: 0 }]));
      expect(await stopLeftovers(s)).toEqual(['order-processor']);
      expect(readFileSync(join(s.home, 'stopped'), 'utf8')).toBe('--app-id order-processor\n');
      expect(await waitUntil(() => pidGone(pid), 5000)).toBe(true);
    } finally {
      if (!pidGone(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('dapr() reports the exit code and output of the forwarded command', () => {
    const s = sandbox();
    expect(dapr(s, ['version'])).toEqual({ code: 0, output: 'fake minidapr version\n' });
  });
});

describe('pointRedisComponent', () => {
  it("replaces only redisHost's value, keeping the other items and their order", () => {
    const file = join(dir.path, 'checkout/state_management/resources/statestore.yaml');
    pointRedisComponent(file, 'localhost:16400');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('- name: redisHost\n    value: localhost:16400\n');
    expect(text).not.toContain('6379');
    expect(text.replace('localhost:16400', 'localhost:6379').trimEnd()).toBe(STATESTORE);
  });

  it('fails when the component has no redisHost item', () => {
    dir.write({ 'other.yaml': 'kind: Component\nspec:\n  metadata:\n  - name: host\n    value: x\n' });
    expect(() => pointRedisComponent(join(dir.path, 'other.yaml'), 'localhost:1')).toThrow(/no spec\.metadata item named redisHost/);
  });
});

const redisIt = requireRedisServerBinary("the sandbox's private Redis") ? it : it.skip;

describe('startPrivateServers / stopPrivateServers', () => {
  it('do nothing for a README without a Redis container', async () => {
    const s = sandbox();
    const entry = selectReadmes(['secrets_management/javascript/http'])[0];
    if (!entry) throw new Error('no entry');
    await startPrivateServers(s, entry);
    expect(listPrivateRedis(s.dockerState)).toEqual([]);
    await stopPrivateServers(s);
  });

  redisIt('service-to-component: its own Redis on a free port, the state store pointed there, dapr_redis stopped and started by the shim, data kept', async () => {
    const id = 'resiliency/service-to-component/javascript';
    const s = sandbox(undefined, id);
    const entry = selectReadmes([id])[0];
    if (!entry) throw new Error('no entry');
    const port = await freePort();
    try {
      await startPrivateServers(s, entry, port);
      expect(readFileSync(join(s.root, 'state_management/resources/statestore.yaml'), 'utf8')).toContain(`value: localhost:${port}\n`);
      const [redis] = listPrivateRedis(s.dockerState);
      expect(redis).toMatchObject({ container: 'dapr_redis', port });
      expect(await serviceAvailable('127.0.0.1', port)).toBe(true);
      expect(shimDatabases(s)).toEqual([]);

      const cli = (...args: string[]): string => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
      expect(cli('SET', 'order', '7')).toBe('OK');
      // The tutorial's own commands, through the docker on the sandbox's PATH.
      const io = { env: s.env, cwd: s.root, stdout: () => undefined, stderr: () => undefined };
      expect(await runDockerShim(['stop', 'dapr_redis'], io)).toBe(0);
      expect(await serviceAvailable('127.0.0.1', port)).toBe(false);
      expect(await runDockerShim(['start', 'dapr_redis'], io)).toBe(0);
      // Like the redis container, it saved on shutdown and loaded its data again.
      expect(cli('GET', 'order')).toBe('7');

      await stopPrivateServers(s);
      expect(await serviceAvailable('127.0.0.1', port)).toBe(false);
      expect(redis && privateRedisPid(redis)).toBeUndefined();
    } finally {
      await stopPrivateServers(s);
    }
  });
});

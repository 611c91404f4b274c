import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pidGone, waitUntil } from '../../test/readme-fixtures';
import { tempDir, type TempDir } from '../tmp';
import { STATE_ENV } from './docker-shim';
import { selectReadmes } from './quickstarts';
import { createSandbox, dapr, forwarderScript, initHome, removeSandbox, stopLeftovers, type Sandbox, type Tools } from './sandbox';

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
  });
  tools = { node: process.execPath, minidapr: join(dir.path, 'tools/minidapr.js'), dockerShim: join(dir.path, 'tools/docker.js') };
});
afterEach(() => {
  for (const s of sandboxes.splice(0)) removeSandbox(s);
  dir.remove();
});

function sandbox(env: NodeJS.ProcessEnv = { PATH: process.env.PATH, MINIDAPR_TEST_TOTALS: '/elsewhere' }): Sandbox {
  const entry = selectReadmes(['secrets_management/javascript/http'])[0];
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

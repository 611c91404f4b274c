import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnProcess, tempDir, type Spawned } from '@minidapr/testkit';
import { CLI_BIN, cleanup, minidaprDone, scenario } from '../helpers';

jest.setTimeout(120000);
const s = scenario();
const binDir = tempDir('examples-bin-');
afterAll(async () => {
  await cleanup(s);
  binDir.remove();
});

/**
 * The app the examples target, with the contract of the quickstarts' nodeapp (hello-world,
 * hello-dapr-slim): POST /neworder needs {"data": {"orderId": …}} (400 otherwise, as they answer),
 * GET /order returns the last order.
 */
const NODEAPP = `
const http = require('http');
let last;
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/neworder') {
      let orderId;
      try { orderId = JSON.parse(body).data.orderId; } catch {}
      if (orderId === undefined) { res.statusCode = 400; return res.end('Expected a JSON body like {"data": {"orderId": "42"}}'); }
      last = JSON.parse(body).data;
      console.log('Got a new order! Order ID: ' + orderId);
      return res.end('Got a new order! Order ID: ' + orderId);
    }
    if (req.method === 'GET' && req.url === '/order') { res.setHeader('content-type', 'application/json'); return res.end(JSON.stringify(last)); }
    res.statusCode = 404; res.end();
  });
}).listen(Number(process.env.APP_PORT), () => console.log('nodeapp listening'));
`;

/** The pub/sub quickstart's order-processor: subscribes orderpubsub/orders and logs each order. */
const ORDER_PROCESSOR = `
const http = require('http');
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/dapr/subscribe') return res.end(JSON.stringify([{ pubsubname: 'orderpubsub', topic: 'orders', route: 'orders' }]));
    if (req.url === '/orders') { console.log('Subscriber received: ' + JSON.stringify(JSON.parse(body).data)); return res.end('{"status":"SUCCESS"}'); }
    res.statusCode = 404; res.end();
  });
}).listen(Number(process.env.APP_PORT), () => console.log('order-processor listening'));
`;

/** The example lines of a help text (indented lines after `Examples:`). */
function examplesOf(help: string): string[] {
  const after = help.split('\nExamples:\n')[1] ?? '';
  return after.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
}

/** Ctrl-C: to the whole process group, as a terminal sends it (the shell and what it started). */
function interrupt(p: Spawned): void {
  process.kill(-p.pid, 'SIGINT');
}

const env = (): NodeJS.ProcessEnv => ({ ...s.env, PATH: `${binDir.path}:${process.env.PATH ?? ''}` });
/**
 * Runs an example as a user would: through a shell, with `minidapr` on the PATH. The shell execs a
 * long-running command, so that Ctrl-C reaches it the way it does from a terminal and its exit code is seen.
 */
const sh = (cmd: string): Spawned => spawnProcess('sh', ['-c', cmd.startsWith('minidapr ') ? `exec ${cmd}` : cmd], { cwd: s.dir.path, env: env() });
async function shDone(cmd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = sh(cmd);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

it('every example shown by --help works as written against a real sidecar and app', async () => {
  symlinkSync(CLI_BIN, join(binDir.path, 'minidapr'));
  const [subPort, ...fixed] = [await freePort(), await freePort(), await freePort()];
  mkdirSync(join(s.dir.path, 'order-processor'));
  s.dir.write({
    'app.js': NODEAPP,
    'sample.json': '{"data": {"orderId": "41"}}', // as the quickstarts' sample.json
    'order.json': '{"orderId": 101}',
    'order-processor/app.js': ORDER_PROCESSOR,
    'resources/pubsub.yaml': ['apiVersion: dapr.io/v1alpha1', 'kind: Component', 'metadata:', '  name: orderpubsub', 'spec:', '  type: pubsub.sqlite', '  version: v1', '  metadata:', '    - name: connectionString', `      value: "${join(s.dir.path, 'pubsub.db')}"`].join('\n'),
    'dapr.yaml': ['version: 1', 'common:', '  resourcesPath: ./resources', 'apps:', '  - appID: order-processor', '    appDirPath: ./order-processor', `    appPort: ${subPort}`, '    command: [node, app.js]', '  - appID: checkout', '    appDirPath: ./'].join('\n'),
  });

  // Every example shown in the help texts, collected from the help output itself.
  const root = await minidaprDone(s, ['--help']);
  const shown = new Set(examplesOf(root.stdout));
  for (const name of ['init', 'uninstall', 'run', 'list', 'logs', 'stop', 'invoke', 'publish', 'version']) {
    for (const e of examplesOf((await minidaprDone(s, [name, '--help'])).stdout)) shown.add(e);
  }
  const ran = new Set<string>();
  /** Ports 3000 and 3500 in examples become free ports (the machine may use them); the rest runs as written. */
  const asRun = (example: string): string => example.replace(/\b3000\b/g, String(fixed[0])).replace(/\b3500\b/g, String(fixed[1]));
  const ok = async (example: string): Promise<string> => {
    expect(shown.has(example)).toBe(true);
    ran.add(example);
    const r = await shDone(asRun(example));
    if (r.code !== 0) throw new Error(`example failed (${r.code}): ${example}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const examples = (pred: (e: string) => boolean): string[] => [...shown].filter(pred);

  for (const e of examples((x) => /^(MINIDAPR_HOME=\S+ )?minidapr init\b/.test(x))) await ok(e);
  for (const e of examples((x) => /^minidapr (version|--version|list)\b/.test(x))) await ok(e);

  // single-app runs of nodeapp, then the invoke examples against it, then stop --app-id
  for (const e of examples((x) => /^minidapr run --app-id nodeapp\b/.test(x))) {
    ran.add(e);
    const run = sh(asRun(e));
    await run.waitForOutput("You're up and running!", 30000);
    const invokes = examples((x) => x.startsWith('minidapr invoke'));
    expect(invokes.length).toBeGreaterThan(0);
    for (const inv of invokes) {
      const out = await ok(inv);
      expect(out).toContain('App invoked successfully');
      if (inv.includes('--verb GET')) expect(out).toContain('"orderId"');
    }
    expect(run.stdout()).toContain('Got a new order! Order ID: 42'); // --data example has the nodeapp shape
    expect(run.stdout()).toContain('Got a new order! Order ID: 41'); // --data-file sample.json too
    expect(await ok('minidapr stop --app-id nodeapp')).toContain('app stopped successfully: nodeapp');
    expect((await run.exited).code).toBe(0);
  }

  // a sidecar on its own
  for (const e of examples((x) => x.startsWith('minidapr run --app-id sidecar-only'))) {
    ran.add(e);
    const run = sh(asRun(e));
    await run.waitForOutput("You're up and running! Dapr logs will appear here.", 30000);
    interrupt(run);
    expect((await run.exited).code).toBe(0);
  }

  // run -f, publish through checkout's sidecar to order-processor, its logs, stop -f
  const [runFile] = examples((x) => x.startsWith('minidapr run -f'));
  if (!runFile) throw new Error('no run -f example');
  ran.add(runFile);
  const multi = sh(runFile);
  await multi.waitForOutput('All 2 apps are running', 30000);
  for (const e of examples((x) => x.startsWith('minidapr publish'))) expect(await ok(e)).toContain('Event published successfully');
  await multi.waitForOutput('== APP - order-processor == Subscriber received: {"orderId":100}', 15000);
  await multi.waitForOutput('== APP - order-processor == Subscriber received: {"orderId":101}', 15000);
  for (const e of examples((x) => x.startsWith('minidapr logs'))) {
    ran.add(e);
    const logs = sh(e);
    await logs.waitForOutput('== APP - order-processor == Subscriber received: {"orderId":100}', 15000);
    if (e.includes('--follow')) interrupt(logs);
    expect((await logs.exited).code).toBe(0);
  }
  expect(await ok('minidapr stop -f .')).toContain('Dapr and app processes stopped successfully');
  expect((await multi.exited).code).toBe(0);

  for (const e of examples((x) => x.startsWith('minidapr uninstall'))) await ok(e);

  // nothing shown in a help text was left out
  expect([...shown].filter((e) => !ran.has(e))).toEqual([]);
});

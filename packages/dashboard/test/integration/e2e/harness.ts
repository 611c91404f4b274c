/**
 * The end-to-end world of issue 14: a temp MINIDAPR_HOME with a Configuration that samples every
 * trace and exports it over Zipkin to a collector on a free port, a components folder (in-memory
 * state store and pub/sub), and two apps started by the real CLI (`minidapr run`, so the registry
 * knows their commands and their log files are written under <home>/logs):
 * - `order-processor` (app A) answers POST /orders and logs a recognisable line;
 * - `checkout` (app B), a second HTTP server, the caller in the scenarios.
 * The CLI is a sibling package (it depends on this one), so it must be built first
 * (`npx turbo run build --filter=@minidapr/cli...`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { componentYaml, freePort, spawnProcess, stopAll, tempDir, waitFor, type Spawned, type TempDir } from '@minidapr/testkit';

export const CLI_BIN = join(__dirname, '..', '..', '..', '..', 'cli', 'bin', 'minidapr.js');
export const APP_A = 'order-processor';
export const APP_B = 'checkout';
/** What app A prints for every order it handles (the logs view must show it). */
export const A_LOG_LINE = 'order-processor: accepted order';

const APP_A_JS = `
const http = require('http');
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/orders') {
      const order = JSON.parse(body || '{}');
      console.log('${A_LOG_LINE} ' + order.orderId);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ accepted: true, orderId: order.orderId }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
}).listen(Number(process.env.APP_PORT), '127.0.0.1', () => console.log('order-processor listening on ' + process.env.APP_PORT));
`;

const APP_B_JS = `
const http = require('http');
http.createServer((req, res) => {
  console.log('checkout: ' + req.method + ' ' + req.url);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ app: 'checkout' }));
}).listen(Number(process.env.APP_PORT), '127.0.0.1', () => console.log('checkout listening on ' + process.env.APP_PORT));
`;

export interface E2eWorld {
  home: TempDir;
  dir: TempDir;
  env: NodeJS.ProcessEnv;
  zipkinPort: number;
  resourcesPath: string;
  configPath: string;
  runs: Spawned[];
  /** Each app's sidecar HTTP API port. */
  httpPorts: Record<string, number>;
  /** `minidapr run` for both apps; resolves when both are up and registered. */
  startApps(): Promise<void>;
  close(): Promise<void>;
}

export async function e2eWorld(): Promise<E2eWorld> {
  if (!existsSync(join(CLI_BIN, '..', '..', 'dist', 'index.js'))) {
    throw new Error('the minidapr CLI is not built: run npx turbo run build --filter=@minidapr/cli... first');
  }
  const home = tempDir('minidapr-e2e-home-');
  const dir = tempDir('minidapr-e2e-cwd-');
  const zipkinPort = await freePort();
  dir.write({
    'components/statestore.yaml': componentYaml('statestore', 'state.in-memory'),
    'components/pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
    'config.yaml': [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Configuration',
      'metadata:',
      '  name: tracing',
      'spec:',
      '  tracing:',
      '    samplingRate: "1"',
      '    zipkin:',
      `      endpointAddress: "http://127.0.0.1:${zipkinPort}/api/v2/spans"`,
      '',
    ].join('\n'),
    'order-processor.js': APP_A_JS,
    'checkout.js': APP_B_JS,
  });
  const env: NodeJS.ProcessEnv = { ...process.env, MINIDAPR_HOME: home.path };
  for (const k of ['APP_ID', 'APP_PORT', 'DAPR_HTTP_PORT', 'DAPR_API_TOKEN', 'APP_CHANNEL_ADDRESS']) delete env[k];
  const w: E2eWorld = {
    home,
    dir,
    env,
    zipkinPort,
    resourcesPath: join(dir.path, 'components'),
    configPath: join(dir.path, 'config.yaml'),
    runs: [],
    httpPorts: {},
    async startApps() {
      const start = async (appId: string, script: string) => {
        w.httpPorts[appId] = await freePort();
        const args = ['run', '--app-id', appId, '--app-port', String(await freePort()), '--dapr-http-port', String(w.httpPorts[appId]), '--resources-path', w.resourcesPath, '--config', w.configPath, '--', 'node', script];
        const run = spawnProcess(process.execPath, [CLI_BIN, ...args], { cwd: dir.path, env });
        w.runs.push(run);
        return run;
      };
      const runs = [await start(APP_A, 'order-processor.js'), await start(APP_B, 'checkout.js')];
      await Promise.all(runs.map((r) => r.waitForOutput("You're up and running!", 30000)));
    },
    async close() {
      await Promise.all(w.runs.map((r) => r.stop('SIGTERM', 10000)));
      await stopAll();
      home.remove();
      dir.remove();
    },
  };
  return w;
}

/** Polls a JSON endpoint until `ok` accepts its body. */
export function pollJson<T>(url: string, ok: (body: T) => boolean, what: string, timeoutMs = 15000): Promise<T> {
  return waitFor(
    what,
    async () => {
      const r = await fetch(url);
      if (r.status !== 200) return false;
      const body = (await r.json()) as T;
      return ok(body) ? body : false;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/**
 * compose/hello-world with the `dashboard` profile, without containers: the dashboard service runs
 * from this repository with its compose command line in a network namespace of its own, next to
 * nodeapp and pythonapp and their sidecars. It must list both sidecars it is given with --sidecar
 * as healthy with their metadata, scrape their metrics ports, and take a span posted from
 * pythonapp's namespace to the Zipkin endpoint of compose/config.yaml.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { waitFor } from '@minidapr/testkit';
import { tracingOf } from '../../../src';
import type { Topology } from '../../../src/netns';
import { expectCleanStop, ROOT, skipReason, startStep } from './helpers';

jest.setTimeout(60000);
const maybe = skipReason('hello-world with the dashboard', { redis: true }) ? it.skip : it;

/** GET as JSON on a connection of its own (no keep-alive socket outlives the namespaces). */
function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body) as T);
          } catch (err) {
            reject(err as Error);
          }
        });
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error(`${url}: no answer`));
      })
      .on('error', reject);
  });
}

let topo: Topology | undefined;
afterAll(async () => {
  await topo?.stop();
});

maybe('the dashboard watches both sidecars and takes spans on the endpoint of compose/config.yaml', async () => {
  topo = await startStep('hello-world', ['dashboard']);
  const t = topo;
  expect(t.plan.groups.map((g) => g.services)).toContainEqual(['dashboard']);
  await t.waitForOutput('dashboard', 'Press Ctrl-C to stop', 20000);
  await t.waitForOutput('nodeapp', 'Successfully persisted state for Order ID: 1', 30000);
  const ui = `http://${t.address('dashboard')}:8080`;

  let last: unknown;
  const apps = await waitFor('both sidecars healthy in /api/apps', async () => {
    const list = await getJson<Array<{ appId: string; health: string; host: string }>>(`${ui}/api/apps`);
    last = list;
    return list.length === 2 && list.every((a) => a.health === 'healthy') ? list : undefined;
  }).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(last)}\n${t.output('dashboard')}`);
  });
  expect(apps.map((a) => [a.appId, a.host])).toEqual([
    ['nodeapp', 'nodeapp'],
    ['pythonapp', 'pythonapp'],
  ]);
  const meta = await getJson<{ metadata: { id?: string; components?: Array<{ name: string }> } | null }>(`${ui}/api/apps/nodeapp`);
  expect(meta.metadata?.id).toBe('nodeapp');
  expect(meta.metadata?.components?.map((c) => c.name)).toContain('statestore');
  await waitFor(
    'both sidecars scraped',
    async () => {
      const m = await getJson<{ apps: Array<{ appId: string; error?: string }> }>(`${ui}/api/metrics`);
      return m.apps.length === 2 && m.apps.every((a) => !a.error) ? true : undefined;
    },
    { timeoutMs: 20000, intervalMs: 250 },
  );

  const endpoint = tracingOf(join(ROOT, 'compose', 'config.yaml')).zipkinEndpoint as string;
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const span = JSON.stringify([{ traceId, id: 'b7ad6b7169203331', name: 'post /neworder', timestamp: Date.now() * 1000, duration: 9, localEndpoint: { serviceName: 'pythonapp' } }]);
  const script = `fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: process.argv[2] }).then((r) => process.exit(r.status === 202 ? 0 : 1), () => process.exit(2))`;
  const ns = t.network.group(t.plan.groups.find((g) => g.services.includes('pythonapp'))?.name ?? '').ns;
  execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script, endpoint, span], { timeout: 10000 });
  await waitFor('the span in /api/traces', async () => {
    const list = await getJson<Array<{ traceId: string }>>(`${ui}/api/traces?lookbackMs=600000`);
    return list.some((x) => x.traceId === traceId) || undefined;
  });

  topo = undefined;
  await expectCleanStop(t);
});

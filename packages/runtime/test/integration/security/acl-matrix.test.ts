/**
 * Scenario: the callee's sidecar enforces spec.accessControl on every encoded form of a method
 * (GHSA-85gx-3qv6-4463, DAP-02-013). Two callers with different policies send each variant through
 * their own sidecar; the callee app counts hits per probe. A denied variant gets 403
 * ERR_PERMISSION_DENIED and never reaches the app; an allowed one reaches it at exactly the path the
 * policy judged. Calls straight to the callee's internal port (forged identity headers, raw paths) are
 * judged the same way.
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';
import { ACL_CONFIG, expectedAllowed, VARIANTS, type Variant } from './acl-variants';

jest.setTimeout(60000);

const home = tempDir('minidapr-home-');
const config = tempDir('minidapr-cfg-');
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
let app: TestApp;
let callee: Sidecar;
const callers: Record<string, Sidecar> = {};
/** What the app received per probe id. */
const hits = new Map<string, string[]>();

interface Answer {
  status: number;
  body: string;
}

/** A request with the path sent exactly as written (fetch would resolve `..` and escape characters). */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

beforeAll(async () => {
  app = await startApp((r) => {
    const probe = String(r.headers['x-probe'] ?? '');
    hits.set(probe, [...(hits.get(probe) ?? []), r.url]);
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: r.url };
  });
  const file = join(config.path, 'acl.yaml');
  writeFileSync(file, ACL_CONFIG);
  [callee, callers.restricted, callers.open] = await Promise.all([
    startSidecar({ appId: 'callee', appPort: app.port, home: home.path, args: ['--config', file] }),
    startSidecar({ appId: 'restricted', home: home.path }),
    startSidecar({ appId: 'open', home: home.path }),
  ]);
});

afterAll(async () => {
  agent.destroy();
  await Promise.all([callee?.stop(), ...Object.values(callers).map((c) => c.stop())]);
  await app?.close();
  await stopAll();
  home.remove();
  config.remove();
});

function expectAnswer(probe: string, caller: string, v: Variant, got: Answer): void {
  const verb = v.verb ?? 'GET';
  const where = `${caller} ${verb} ${v.raw}: ${got.status} ${got.body}`;
  const seen = hits.get(probe) ?? [];
  if (v.method === null || (expectedAllowed(caller, v.method, verb) && v.method.includes('%'))) {
    expect([where, got.status, JSON.parse(got.body).errorCode]).toEqual([where, 500, 'ERR_DIRECT_INVOKE']);
    expect([where, seen]).toEqual([where, []]);
  } else if (!expectedAllowed(caller, v.method, verb)) {
    expect([where, got.status, JSON.parse(got.body).errorCode]).toEqual([where, 403, 'ERR_PERMISSION_DENIED']);
    expect(JSON.parse(got.body).message).toContain(`access control policy has denied access to id: spiffe://public/ns/default/${caller}`);
    expect([where, seen]).toEqual([where, []]);
  } else {
    const url = v.appUrl ?? `/${v.method}`;
    expect([where, got.status, seen]).toEqual([where, 200, [url]]);
  }
}

it(`judges ${VARIANTS.length} encoded variants x 2 policies on the path form, never calling the app for a denied one`, async () => {
  expect(VARIANTS.length).toBeGreaterThanOrEqual(50);
  const cases = Object.keys(callers).flatMap((caller) => VARIANTS.map((v, i) => ({ caller, v, probe: `path-${caller}-${i}` })));
  const answers = new Map<string, Answer>();
  await inBatches(cases, 8, async ({ caller, v, probe }) => {
    answers.set(probe, await send((callers[caller] as Sidecar).httpPort, v.verb ?? 'GET', `/v1.0/invoke/callee/method/${v.raw}`, { 'x-probe': probe }));
  });
  for (const { caller, v, probe } of cases) expectAnswer(probe, caller, v, answers.get(probe) as Answer);
  const denied = cases.filter(({ caller, v }) => v.method !== null && !expectedAllowed(caller, v.method, v.verb ?? 'GET'));
  expect(denied.length).toBeGreaterThanOrEqual(50);
  expect(denied.flatMap(({ probe }) => hits.get(probe) ?? [])).toEqual([]);
});

it('judges the dapr-app-id header form the same way', async () => {
  const forms: Variant[] = [
    { raw: 'public', method: 'public' },
    { raw: 'admin', method: 'admin' },
    { raw: 'public%2F..%2Fadmin', method: 'admin' },
    { raw: 'public/../admin', method: 'admin' },
    { raw: 'public%23/../admin', method: 'admin' },
    { raw: 'admin%2F..%2Fpublic', method: 'public' },
    { raw: 'test%23stream', method: null },
  ];
  for (const caller of Object.keys(callers)) {
    for (const [i, v] of forms.entries()) {
      const probe = `header-${caller}-${i}`;
      const got = await send((callers[caller] as Sidecar).httpPort, 'GET', `/${v.raw}`, { 'dapr-app-id': 'callee', 'x-probe': probe });
      expectAnswer(probe, caller, v, got);
    }
  }
});

it('normalises and judges raw calls to the internal port, whoever they claim to be', async () => {
  const direct: Array<[string, string | undefined, Variant]> = [
    ['restricted', 'restricted', { raw: 'public/../admin', method: 'admin' }],
    ['restricted', 'restricted', { raw: 'public%2F..%2Fadmin', method: 'admin' }],
    ['restricted', 'restricted', { raw: 'public%23/../admin', method: 'admin' }],
    ['restricted', 'restricted', { raw: 'PUBLIC%2Fok', method: 'PUBLIC/ok' }],
    ['restricted', 'restricted', { raw: 'public?x=1#frag', method: 'public', appUrl: '/public?x=1' }],
    ['restricted', 'restricted', { raw: 'admin%23x', method: null }],
    ['open', 'open', { raw: 'x/../../admin', method: 'admin' }],
    ['open', 'open', { raw: 'a%20b', method: 'a b', appUrl: '/a%20b' }],
    ['stranger', 'stranger', { raw: 'public', method: 'public' }],
    ['stranger', undefined, { raw: 'public', method: 'public' }],
  ];
  for (const [i, [as, header, v]] of direct.entries()) {
    const probe = `direct-${i}`;
    const headers: Record<string, string> = { 'dapr-callee-app-id': 'callee', 'x-probe': probe };
    if (header) headers['dapr-caller-app-id'] = header;
    const got = await send(callee.internalPort, 'GET', `/${v.raw}`, headers);
    if (v.method !== null && !expectedAllowed(as, v.method, 'GET') && !header) {
      expect([got.status, JSON.parse(got.body).message]).toEqual([403, expect.stringContaining('denied access to id:  operation: public')]);
      expect(hits.get(probe)).toBeUndefined();
      continue;
    }
    expectAnswer(probe, as, v, got);
  }
});

it('says at start-up that the decisions rest on a spoofable identity while mTLS is off', () => {
  expect(callee.process.output()).toMatch(/accessControl is set but mTLS is off: ACL decisions rest on the caller identity claimed in request headers/);
  expect(callers.open?.process.output()).not.toMatch(/accessControl is set/);
});

/**
 * Scenario (regressions, issue 12): the method reaches the app re-escaped, and a #fragment is never
 * sent on. `a%20b` must arrive as `/a%20b` (not a raw space, which broke the call) and `caf%C3%A9` as
 * `/caf%C3%A9` (not a Latin-1 byte); `?x=1#frag` must arrive as `?x=1` — both across two sidecars and
 * when an app calls itself through its own sidecar.
 */
import http from 'node:http';
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
let app: TestApp;
let target: Sidecar;
let caller: Sidecar;

/** Sends the path exactly as written (fetch would re-encode it). */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  app = await startApp((r) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: r.url }));
  [target, caller] = await Promise.all([startSidecar({ appId: 'target', appPort: app.port, home: home.path }), startSidecar({ appId: 'caller', home: home.path })]);
});

afterAll(async () => {
  await Promise.all([target?.stop(), caller?.stop()]);
  await app?.close();
  await stopAll();
  home.remove();
});

const CASES: Array<[string, string]> = [
  ['a%20b', '/a%20b'],
  ['caf%C3%A9', '/caf%C3%A9'],
  ['orders/%E2%82%AC%201', '/orders/%E2%82%AC%201'],
  ['x?y=1#frag', '/x?y=1'],
  ['x?#frag', '/x'],
  ['sp%20ace?q=a%20b#f', '/sp%20ace?q=a%20b'],
];

describe.each([
  ['across two sidecars', () => caller],
  ['when the app calls itself', () => target],
])('%s', (_name, via) => {
  it.each(CASES)('%s reaches the app as %s', async (raw, expected) => {
    const r = await get(via().httpPort, `/v1.0/invoke/target/method/${raw}`);
    expect([r.status, r.body]).toEqual([200, expected]);
    expect(app.received.at(-1)?.url).toBe(expected);
  });
});

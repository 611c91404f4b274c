import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { world } from './helpers';

jest.setTimeout(30000);
const w = world();
afterAll(() => w.close());

it('tails and streams the log files recorded in the sidecar metadata', async () => {
  const { sidecar } = await w.addApp('talker');
  const appLog = join(w.home, 'talker-app.log');
  const daprdLog = join(w.home, 'talker-daprd.log');
  writeFileSync(appLog, 'app 1\napp 2\n');
  writeFileSync(daprdLog, 'sidecar 1\n');
  // What minidapr run stores for its apps (PUT /v1.0/metadata/<key>).
  for (const [k, v] of [['appLogPath', appLog], ['daprdLogPath', daprdLog]]) {
    expect((await fetch(`${sidecar.url}/v1.0/metadata/${k}`, { method: 'PUT', body: v })).status).toBe(204);
  }
  await w.startDashboard();

  const all = await w.get<Record<string, unknown>>('/api/apps/talker/logs?tail=5');
  expect(all.body).toEqual({
    sources: [{ source: 'sidecar', path: daprdLog }, { source: 'app', path: appLog }],
    lines: [{ source: 'sidecar', text: 'sidecar 1' }, { source: 'app', text: 'app 1' }, { source: 'app', text: 'app 2' }],
  });
  expect((await w.get('/api/apps/talker/logs?source=app&tail=1')).body).toMatchObject({ lines: [{ source: 'app', text: 'app 2' }] });
  expect((await w.get('/api/apps/talker/logs?tail=x')).status).toBe(400);

  const ac = new AbortController();
  const r = await fetch(`${w.dash?.url}/api/apps/talker/logs/stream`, { signal: ac.signal });
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!text.includes(': connected')) text += new TextDecoder().decode((await reader.read()).value);
  appendFileSync(appLog, 'app 3\n');
  appendFileSync(daprdLog, 'sidecar 2\n');
  while (!(text.includes('"app 3"') && text.includes('"sidecar 2"'))) text += new TextDecoder().decode((await reader.read()).value);
  expect(text).toContain('event: log\ndata: {"source":"app","text":"app 3"}');
  ac.abort();
});

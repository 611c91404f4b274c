/**
 * Scenario: issue 4's curl acceptance for the state API, over a spawned sidecar with state.in-memory:
 * wrong etag → 409 and the value unchanged; missing key → 204; a transaction with a stale etag
 * changes nothing; a saved string reads back with its quotes; `||` in a key → 400; unknown store →
 * 400 ERR_STATE_STORE_NOT_FOUND; the JS SDK's trailing `?` on save is accepted.
 */
import { componentYaml, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;

beforeAll(async () => {
  sidecar = await startSidecar({ appId: 'nodeapp', resources: { 'statestore.yaml': componentYaml('statestore', 'state.in-memory') } });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

const state = (path = ''): string => `${sidecar.url}/v1.0/state/statestore${path}`;
const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const read = async (key: string): Promise<{ status: number; body: string; etag: string | null }> => {
  const r = await fetch(state(`/${encodeURIComponent(key)}`));
  return { status: r.status, body: await r.text(), etag: r.headers.get('etag') };
};

it('accepts the JS SDK style save with a trailing "?" and reads a string back with its quotes', async () => {
  expect((await post(`${state()}?`, [{ key: 'greeting', value: 'hello' }])).status).toBe(204);
  const got = await read('greeting');
  expect({ status: got.status, body: got.body }).toEqual({ status: 200, body: '"hello"' });
});

it('answers 204 with an empty body for a missing key', async () => {
  expect(await read('never-saved')).toEqual({ status: 204, body: '', etag: null });
});

it('refuses a save with a wrong etag (409 ERR_STATE_SAVE) and keeps the value', async () => {
  expect((await post(state(), [{ key: 'order', value: { id: 1 } }])).status).toBe(204);
  const before = await read('order');
  const r = await post(state(), [{ key: 'order', value: { id: 2 }, etag: 'wrong-etag' }]);
  expect({ status: r.status, errorCode: ((await r.json()) as { errorCode: string }).errorCode }).toEqual({ status: 409, errorCode: 'ERR_STATE_SAVE' });
  expect(await read('order')).toEqual(before);
});

it('changes nothing when a transaction carries a stale etag (500 ERR_STATE_TRANSACTION)', async () => {
  expect((await post(state(), [{ key: 'tx1', value: 'v1' }])).status).toBe(204);
  const stale = (await read('tx1')).etag;
  expect((await post(state(), [{ key: 'tx1', value: 'v2' }])).status).toBe(204);
  const before = await read('tx1');
  const r = await post(state('/transaction'), {
    operations: [
      { operation: 'upsert', request: { key: 'tx2', value: 'new' } },
      { operation: 'upsert', request: { key: 'tx1', value: 'v3', etag: stale } },
    ],
  });
  expect({ status: r.status, errorCode: ((await r.json()) as { errorCode: string }).errorCode }).toEqual({ status: 500, errorCode: 'ERR_STATE_TRANSACTION' });
  expect(await read('tx1')).toEqual(before);
  expect((await read('tx2')).status).toBe(204);
});

it('answers 400 ERR_MALFORMED_REQUEST for a key containing "||"', async () => {
  const onGet = await fetch(state('/a||b'));
  expect({ status: onGet.status, errorCode: ((await onGet.json()) as { errorCode: string }).errorCode }).toEqual({ status: 400, errorCode: 'ERR_MALFORMED_REQUEST' });
  const onSave = await post(state(), [{ key: 'a||b', value: 1 }]);
  expect({ status: onSave.status, errorCode: ((await onSave.json()) as { errorCode: string }).errorCode }).toEqual({ status: 400, errorCode: 'ERR_MALFORMED_REQUEST' });
});

it('answers 400 ERR_STATE_STORE_NOT_FOUND for an unknown store', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/state/nosuchstore/k`);
  const body = (await r.json()) as { errorCode: string; message: string; details: Array<{ reason: string }> };
  expect({ status: r.status, errorCode: body.errorCode, message: body.message, reason: body.details[0]?.reason }).toEqual({
    status: 400,
    errorCode: 'ERR_STATE_STORE_NOT_FOUND',
    message: 'state store nosuchstore is not found',
    reason: 'DAPR_STATE_NOT_FOUND',
  });
});

it('treats [] as a no-op and a body that is not an array as 400', async () => {
  expect((await post(state(), [])).status).toBe(204);
  const r = await post(state(), { key: 'k', value: 1 });
  expect({ status: r.status, errorCode: ((await r.json()) as { errorCode: string }).errorCode }).toEqual({ status: 400, errorCode: 'ERR_MALFORMED_REQUEST' });
});

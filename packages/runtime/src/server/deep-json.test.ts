/**
 * Every API that parses a JSON body refuses JSON nested deeper than MAX_JSON_DEPTH with a 400 and
 * its own malformed-body code, instead of 500 "Maximum call stack size exceeded".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { manifest, withSpy } from '../../test/support/app';
import { createLocalStorageBinding } from '../components/bindings/localstorage';
import { createInMemoryPubSub } from '../components/pubsub/in-memory';
import { MAX_JSON_DEPTH } from '../json/depth';

const quiet = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const DEEP = 100_000;
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'minidapr-deep-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function built() {
  const { b } = withSpy(['QUERY_API']);
  const pubsub = createInMemoryPubSub(quiet);
  await pubsub.init();
  b.deps.store.add({ manifest: manifest('pubsub', 'pubsub', 'pubsub.in-memory'), instance: pubsub });
  const files = createLocalStorageBinding(quiet);
  await files.init({ rootPath: path.join(root, 'files') }, { appId: 'nodeapp', cwd: root });
  b.deps.store.add({ manifest: { ...manifest('files', 'state', 'bindings.localstorage'), category: 'bindings' }, instance: files });
  return b;
}

const CASES: Array<[string, string, string, (deep: string) => string, string]> = [
  ['SaveState', 'POST', '/v1.0/state/statestore', (d) => `[{"key":"k","value":${d}}]`, 'ERR_MALFORMED_REQUEST'],
  ['GetBulkState', 'POST', '/v1.0/state/statestore/bulk', (d) => `{"keys":${d}}`, 'ERR_MALFORMED_REQUEST'],
  ['ExecuteStateTransaction', 'POST', '/v1.0/state/statestore/transaction', (d) => `{"operations":[{"operation":"upsert","request":{"key":"k","value":${d}}}]}`, 'ERR_MALFORMED_REQUEST'],
  ['QueryState', 'POST', '/v1.0-alpha1/state/spy/query', (d) => `{"filter":${d}}`, 'ERR_MALFORMED_REQUEST'],
  ['PublishEvent', 'POST', '/v1.0/publish/pubsub/orders', (d) => d, 'ERR_PUBSUB_CLOUD_EVENTS_SER'],
  ['PublishEvent (CloudEvent passthrough)', 'POST', '/v1.0/publish/pubsub/orders?metadata.x=1', (d) => `{"id":"1","data":${d}}`, 'ERR_PUBSUB_CLOUD_EVENTS_SER'],
  ['BulkPublish', 'POST', '/v1.0-alpha1/publish/bulk/pubsub/orders', (d) => `[{"entryId":"1","event":${d},"contentType":"application/json"}]`, 'ERR_PUBSUB_EVENTS_SER'],
  ['InvokeBinding', 'POST', '/v1.0/bindings/files', (d) => `{"operation":"create","data":${d}}`, 'ERR_MALFORMED_REQUEST'],
];

describe.each(CASES)('%s', (name, method, route, body, code) => {
  it.each([
    ['100k nested arrays', deepArray(DEEP)],
    ['100k nested objects', deepObject(DEEP)],
    ['one level past the limit', deepArray(MAX_JSON_DEPTH + 1)],
  ])('answers %s with 400 and its own code', async (_what, deep) => {
    const b = await built();
    const type = name.includes('passthrough') ? 'application/cloudevents+json' : 'application/json';
    const r = await request(b.app)[method.toLowerCase() as 'post'](route).set('content-type', type).send(body(deep));
    expect({ status: r.status, code: r.body.errorCode }).toEqual({ status: 400, code });
    expect(r.body.message).toContain(`more than ${MAX_JSON_DEPTH} levels`);
  });
});

it('still accepts JSON nested up to the limit (the wrapper adds one level here)', async () => {
  const b = await built();
  await request(b.app).post('/v1.0/state/statestore').send(`[{"key":"k","value":${deepArray(MAX_JSON_DEPTH - 2)}}]`).set('content-type', 'application/json').expect(204);
  const r = await request(b.app).get('/v1.0/state/statestore/k').expect(200);
  expect(r.text).toBe(deepArray(MAX_JSON_DEPTH - 2));
});

/** PUT /v1.0/metadata/{key} is bounded: key length, value size and number of keys, each a clear 400. */
import request from 'supertest';
import { build } from '../../../test/support/app';
import { Resiliency } from '../../resiliency/resiliency';
import { MAX_METADATA_KEY_BYTES, MAX_METADATA_KEYS, MAX_METADATA_VALUE_BYTES } from './metadata';

const put = (b: ReturnType<typeof build>, key: string, value: string | Buffer) =>
  request(b.app).put(`/v1.0/metadata/${encodeURIComponent(key)}`).set('content-type', 'text/plain').send(value);

it('accepts a key and a value at the limits', async () => {
  const b = build();
  await put(b, 'k'.repeat(MAX_METADATA_KEY_BYTES), 'v'.repeat(MAX_METADATA_VALUE_BYTES)).expect(204);
  expect(b.deps.metadata.extended.get('k'.repeat(MAX_METADATA_KEY_BYTES))).toHaveLength(MAX_METADATA_VALUE_BYTES);
});

it('refuses a key longer than the limit (counted in bytes)', async () => {
  const b = build();
  const r = await put(b, 'é'.repeat(MAX_METADATA_KEY_BYTES / 2 + 1), 'x').expect(400);
  expect(r.body).toMatchObject({ errorCode: 'ERR_METADATA_LIMIT', message: expect.stringContaining(`limit is ${MAX_METADATA_KEY_BYTES} bytes`) });
  expect(b.deps.metadata.extended.size).toBe(0);
});

it('refuses a value larger than the limit', async () => {
  const b = build();
  const r = await put(b, 'big', Buffer.alloc(MAX_METADATA_VALUE_BYTES + 1, 'x')).expect(400);
  expect(r.body.errorCode).toBe('ERR_METADATA_LIMIT');
  expect(b.deps.metadata.extended.has('big')).toBe(false);
});

it(`holds at most ${MAX_METADATA_KEYS} keys but lets existing ones be overwritten`, async () => {
  const b = build();
  for (let i = 0; i < MAX_METADATA_KEYS; i++) b.deps.metadata.extended.set(`k${i}`, 'v');
  const r = await put(b, 'one-more', 'v').expect(400);
  expect(r.body).toMatchObject({ errorCode: 'ERR_METADATA_LIMIT', message: expect.stringContaining(`${MAX_METADATA_KEYS} custom metadata keys`) });
  await put(b, 'k0', 'new').expect(204);
  expect(b.deps.metadata.extended.get('k0')).toBe('new');
  expect(b.deps.metadata.extended.size).toBe(MAX_METADATA_KEYS);
});

it('lists the loaded Resiliency resources as daprd 1.17+ does, and omits the field when there are none', async () => {
  const b = build();
  expect((await request(b.app).get('/v1.0/metadata').expect(200)).body.resiliencies).toBeUndefined();
  b.deps.resiliency = Resiliency.fromResources([{ kind: 'Resiliency', name: 'myresiliency', file: 'r.yaml', doc: { spec: {} } }], { appId: 'nodeapp' });
  expect((await request(b.app).get('/v1.0/metadata').expect(200)).body.resiliencies).toEqual([{ name: 'myresiliency' }]);
});

import { HttpError } from './respond';
import { toSidecarRequest } from './explore-request';

const fails = (input: unknown, field: RegExp): void => {
  let err: unknown;
  try {
    toSidecarRequest(input);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).status).toBe(400);
  expect((err as HttpError).message).toMatch(field);
};

it('builds an invocation with the verb, headers and body', () => {
  expect(toSidecarRequest({ kind: 'invoke', targetAppId: 'orders', method: '/neworder?x=1', verb: 'put', headers: { 'X-Id': '7' }, body: '{"a":1}' })).toEqual({
    method: 'PUT',
    path: '/v1.0/invoke/orders/method/neworder?x=1',
    headers: { 'x-id': '7', 'content-type': 'application/json' },
    body: '{"a":1}',
  });
});

it('builds publish, state get and state save requests', () => {
  expect(toSidecarRequest({ kind: 'publish', pubsub: 'ps', topic: 'orders', data: '{"id":1}' })).toMatchObject({ method: 'POST', path: '/v1.0/publish/ps/orders', body: '{"id":1}' });
  expect(toSidecarRequest({ kind: 'state-get', store: 'statestore', key: 'a/b' })).toMatchObject({ method: 'GET', path: '/v1.0/state/statestore/a%2Fb' });
  expect(toSidecarRequest({ kind: 'state-save', store: 's', key: 'k', value: '{"n":1}' })).toMatchObject({ body: '[{"key":"k","value":{"n":1}}]' });
});

it('rejects bad input with 400 naming the field', () => {
  fails(null, /^body/);
  fails({ kind: 'nope' }, /^kind/);
  fails({ kind: 'invoke', targetAppId: 'a', method: 'm', verb: 'TRACE' }, /^verb/);
  fails({ kind: 'invoke', targetAppId: '', method: 'm' }, /^targetAppId/);
  fails({ kind: 'invoke', targetAppId: 'a', method: 'm', headers: { 'bad header': 'x' } }, /^headers/);
  fails({ kind: 'publish', pubsub: 'p' }, /^topic/);
  fails({ kind: 'state-save', store: 's', key: 'k', value: '{oops' }, /^value/);
});

/**
 * Scenario (issue 15, gRPC API conformance: pub/sub, bindings, secrets, invocation): the publish
 * and subscribe RPCs, InvokeBinding, GetSecret and GetBulkSecret, and InvokeService to an HTTP app
 * on a real sidecar, called with a plain grpc-js client built from the protos, on the success
 * path and on the contract's error rows; a deadline shorter than the app ends with DEADLINE_EXCEEDED.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { waitFor } from '@minidapr/testkit';
import { app, bareClient, client, delivered, details, failure, main, unary, useConformanceSidecars, VERB, withToken, type Pb } from '../support/grpc-conformance';

jest.setTimeout(60000);

useConformanceSidecars();

describe('pub/sub', () => {
  it('PublishEvent delivers a CloudEvent with the data to the subscribed app', async () => {
    await unary(client, 'PublishEvent', { pubsubName: 'pubsub', topic: 'orders', data: Buffer.from('{"orderId":1}'), dataContentType: 'application/json' });
    await waitFor('the published order at the app', async () => delivered('orders').length >= 1, { timeoutMs: 10000 });
    expect(delivered('orders')).toEqual([{ orderId: 1 }]);
  });

  it.each([['BulkPublishEvent', 'bulk'], ['BulkPublishEventAlpha1', 'bulkalpha']])('%s publishes every entry, failedEntries empty', async (rpc, topic) => {
    const entries = [1, 2, 3].map((n) => ({ entryId: `e${n}`, event: Buffer.from(JSON.stringify({ orderId: n })), contentType: 'application/json' }));
    const { res } = await unary(client, rpc, { pubsubName: 'pubsub', topic, entries });
    expect(res.failedEntries).toEqual([]);
    await waitFor(`three events on ${topic}`, async () => delivered(topic).length >= 3, { timeoutMs: 10000 });
    expect(delivered(topic).map((d) => (d as { orderId: number }).orderId).sort()).toEqual([1, 2, 3]);
  });

  it('an unknown pub/sub is INVALID_ARGUMENT with ErrorInfo DAPR_PUBSUB_NOT_FOUND, the same details as over HTTP', async () => {
    const err = await failure(unary(client, 'PublishEvent', { pubsubName: 'nopubsub', topic: 'orders', data: Buffer.from('1') }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const d = details(err);
    expect(d[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'DAPR_PUBSUB_NOT_FOUND', domain: 'dapr.io' });
    // Contract §2.2: the detail list is exactly the HTTP body's `details` (same types, same order).
    const r = await fetch(`${main.url}/v1.0/publish/nopubsub/orders`, { method: 'POST', body: '1' });
    const body = (await r.json()) as { details?: Array<{ '@type': string }> };
    expect(d.map((x) => x.type)).toEqual((body.details ?? []).map((x) => x['@type'].slice(x['@type'].lastIndexOf('/') + 1)));
  });

  it('an empty topic is INVALID_ARGUMENT with ErrorInfo DAPR_PUBSUB_TOPIC_NAME_EMPTY', async () => {
    const err = await failure(unary(client, 'PublishEvent', { pubsubName: 'pubsub', topic: '', data: Buffer.from('1') }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(details(err)[0]).toMatchObject({ reason: 'DAPR_PUBSUB_TOPIC_NAME_EMPTY' });
  });

  it('no pub/sub at all is FAILED_PRECONDITION with ErrorInfo DAPR_PUBSUB_NOT_CONFIGURED', async () => {
    const err = await failure(unary(bareClient, 'PublishEvent', { pubsubName: 'pubsub', topic: 'orders', data: Buffer.from('1') }, withToken()));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(details(err)[0]).toMatchObject({ reason: 'DAPR_PUBSUB_NOT_CONFIGURED' });
  });

  it('SubscribeTopicEventsAlpha1: initial request, initial response, events, acknowledgements', async () => {
    const stream = client['SubscribeTopicEventsAlpha1']!(new Metadata());
    const received: Array<Record<string, Pb>> = [];
    stream.on('data', (m: Record<string, Pb>) => received.push(m));
    stream.on('error', () => undefined);
    stream.write({ initialRequest: { pubsubName: 'pubsub', topic: 'streamed', metadata: {} } });
    await waitFor('the initial response', async () => received.some((m) => m.initialResponse), { timeoutMs: 10000 });
    await waitFor('STREAMING in GetMetadata', async () => {
      const { res } = await unary(client, 'GetMetadata', {});
      return (res.subscriptions as Array<{ topic: string }>).some((x) => x.topic === 'streamed');
    }, { timeoutMs: 5000 });
    await unary(client, 'PublishEvent', { pubsubName: 'pubsub', topic: 'streamed', data: Buffer.from('{"n":7}'), dataContentType: 'application/json' });
    await waitFor('the streamed event', async () => received.some((m) => m.eventMessage), { timeoutMs: 10000 });
    const event = received.find((m) => m.eventMessage)!.eventMessage as { id: string; topic: string; pubsubName: string; data: Buffer };
    expect(event).toMatchObject({ topic: 'streamed', pubsubName: 'pubsub' });
    expect(JSON.parse(Buffer.from(event.data).toString())).toEqual({ n: 7 });
    stream.write({ eventProcessed: { id: event.id, status: { status: 0 } } });
    stream.end();
    stream.cancel();
  });

  it('SubscribeTopicEventsAlpha1 without an initial request first is UNKNOWN', async () => {
    const stream = client['SubscribeTopicEventsAlpha1']!(new Metadata());
    const err = await new Promise<ServiceError>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', resolve);
      stream.write({ eventProcessed: { id: 'x', status: { status: 0 } } });
    });
    expect(err.code).toBe(status.UNKNOWN);
    expect(err.details).toContain('initial request is required');
  });
});

describe('bindings and secrets', () => {
  it('InvokeBinding writes and reads a file through bindings.localstorage', async () => {
    await unary(client, 'InvokeBinding', { name: 'files', operation: 'create', data: Buffer.from('hello'), metadata: { fileName: 'a.txt' } });
    const { res } = await unary(client, 'InvokeBinding', { name: 'files', operation: 'get', metadata: { fileName: 'a.txt' } });
    expect(Buffer.from(res.data).toString()).toBe('hello');
  });

  it('InvokeBinding of an unknown binding is INTERNAL', async () => {
    const err = await failure(unary(client, 'InvokeBinding', { name: 'nobinding', operation: 'create', data: Buffer.from('x') }));
    expect(err.code).toBe(status.INTERNAL);
  });

  it('GetSecret and GetBulkSecret read the file store', async () => {
    expect((await unary(client, 'GetSecret', { storeName: 'localsecrets', key: 'dbPassword' })).res.data).toEqual({ dbPassword: 'pw1' });
    const { res } = await unary(client, 'GetBulkSecret', { storeName: 'localsecrets' });
    expect(res.data).toEqual({ dbPassword: { secrets: { dbPassword: 'pw1' } }, apiKey: { secrets: { apiKey: 'k1' } } });
  });

  it('an unknown secret store is INVALID_ARGUMENT; none configured is FAILED_PRECONDITION', async () => {
    expect((await failure(unary(client, 'GetSecret', { storeName: 'nostore', key: 'k' }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(unary(bareClient, 'GetSecret', { storeName: 'localsecrets', key: 'k' }, withToken()))).code).toBe(status.FAILED_PRECONDITION);
  });
});

describe('service invocation', () => {
  it('InvokeService calls the HTTP app with verb, query, content type and body', async () => {
    const { res, headers } = await unary(client, 'InvokeService', {
      id: 'grpc-conf',
      message: { method: 'neworder', data: { typeUrl: '', value: Buffer.from('{"orderId":5}') }, contentType: 'application/json', httpExtension: { verb: VERB.POST, querystring: 'a=1' } },
    });
    expect(JSON.parse(Buffer.from(res.data.value).toString())).toEqual({ method: 'POST', url: '/neworder?a=1', body: '{"orderId":5}' });
    expect(res.contentType).toBe('application/json');
    expect(headers.get('dapr-http-status')).toEqual(['200']);
    expect(app.received.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('a non-2xx answer of an HTTP app becomes the mapped code with an ErrorInfo (400 -> INTERNAL)', async () => {
    const err = await failure(unary(client, 'InvokeService', { id: 'grpc-conf', message: { method: 'bad', httpExtension: { verb: VERB.GET } } }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('Bad Request');
    expect(details(err)[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'Bad Request', domain: 'dapr.io', metadata: { 'http.code': '400', 'http.error_message': 'no such order' } });
  });

  it('an app id nobody serves is INTERNAL "fail to invoke"', async () => {
    const err = await failure(unary(client, 'InvokeService', { id: 'nobody', message: { method: 'x', httpExtension: { verb: VERB.GET } } }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toContain('fail to invoke, id: nobody');
  });

  it('a deadline shorter than the app ends the call with DEADLINE_EXCEEDED', async () => {
    const started = Date.now();
    const err = await failure(unary(client, 'InvokeService', { id: 'grpc-conf', message: { method: 'slow', httpExtension: { verb: VERB.GET } } }, new Metadata(), { deadline: Date.now() + 300 }));
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

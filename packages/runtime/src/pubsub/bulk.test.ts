import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { InMemoryPubSub } from '../components/pubsub/in-memory';
import { ComponentStore } from '../components/store';
import { AppChannel } from '../invoke/app-channel';
import { createTracing, type Tracing } from '../tracing/tracer';
import { BULK_EVENT_TYPE, bulkBody, bulkVerdicts, DEFAULT_MAX_AWAIT_DURATION_MS, DEFAULT_MAX_MESSAGES_COUNT, BulkDelivery } from './bulk';
import { Deliveries, MAX_DELIVERY_ATTEMPTS } from './delivery';
import { buildSubscription, type Subscription } from './subscriptions';

const logger = pino({ level: 'silent' });

interface BulkEntryJson {
  entryId: string;
  event: Record<string, unknown> | string;
  contentType: string;
  metadata: Record<string, string>;
}
interface BulkJson {
  entries: BulkEntryJson[];
  id: string;
  metadata: Record<string, string>;
  pubsubname: string;
  topic: string;
  type: string;
}

describe('bulkVerdicts (app answer → one result per entry)', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const results = (status: number, body: string) => Object.fromEntries([...bulkVerdicts(status, body, ids)].map(([k, v]) => [k, v.result]));

  it('reads each entry status; a missing, empty or unknown status is a retry', () => {
    const body = JSON.stringify({ statuses: [{ entryId: 'a', status: 'SUCCESS' }, { entryId: 'b', status: 'DROP' }, { entryId: 'c', status: '' }, { entryId: 'x', status: 'SUCCESS' }] });
    expect(results(200, body)).toEqual({ a: 'success', b: 'drop', c: 'retry', d: 'retry' });
    expect(results(200, JSON.stringify({ statuses: [{ entryId: 'a', status: 'RETRY' }, { entryId: 'b', status: 'success' }, { entryId: 'c' }] }))).toEqual({ a: 'retry', b: 'retry', c: 'retry', d: 'retry' });
  });

  it('matches entryId case-insensitively (Go decoding) and keeps the first answer for an entry', () => {
    const body = JSON.stringify({ statuses: [{ entryID: 'a', status: 'SUCCESS' }, { entryId: 'a', status: 'DROP' }, { EntryId: 'b', Status: 'DROP' }] });
    expect(results(201, body)).toMatchObject({ a: 'success', b: 'drop' });
    expect(results(200, JSON.stringify({ Statuses: [{ ENTRYID: 'c', STATUS: 'SUCCESS' }] }))).toMatchObject({ c: 'success' });
  });

  it.each([
    [404, '{"statuses":[{"entryId":"a","status":"SUCCESS"}]}', 'drop'],
    [500, '{"statuses":[{"entryId":"a","status":"SUCCESS"}]}', 'retry'],
    [302, '', 'retry'],
    [200, '', 'retry'],
    [200, 'OK', 'retry'],
    [200, '[]', 'retry'],
    [200, '{}', 'retry'],
    [204, '', 'retry'],
  ])('%i %s → every entry %s', (status, body, expected) => {
    expect(new Set(Object.values(results(status, body)))).toEqual(new Set([expected]));
  });
});

describe('bulkBody', () => {
  it('splices the events in verbatim and adds the envelope fields', () => {
    const sub = buildSubscription({ pubsubname: 'ps', topic: 't', route: '/r' }, 'PROGRAMMATIC', 'x') as Subscription;
    const ce = Buffer.from('{"id":"1", "data":{"big":12345678901234567890}}');
    const body = bulkBody(sub, 't', [
      { entryId: 'e1', eventJson: ce, contentType: 'application/cloudevents+json', metadata: { k: 'v' } },
      { entryId: 'e2', eventJson: Buffer.from('"aGk="'), contentType: 'application/octet-stream' },
    ]);
    expect(body.toString()).toContain('"event":{"id":"1", "data":{"big":12345678901234567890}}');
    const parsed = JSON.parse(body.toString()) as BulkJson;
    expect(parsed).toMatchObject({ metadata: { pubsubName: 'ps' }, pubsubname: 'ps', topic: 't', type: BULK_EVENT_TYPE });
    expect(parsed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed.entries).toEqual([
      { entryId: 'e1', event: JSON.parse(ce.toString()) as unknown, contentType: 'application/cloudevents+json', metadata: { k: 'v' } },
      { entryId: 'e2', event: 'aGk=', contentType: 'application/octet-stream', metadata: {} },
    ]);
  });

  it('defaults to 100 messages and 1000 ms', () => {
    const sub = buildSubscription({ pubsubname: 'ps', topic: 't', route: '/r', bulkSubscribe: { enabled: true } }, 'PROGRAMMATIC', 'x') as Subscription;
    const b = new BulkDelivery(sub, new InMemoryPubSub(logger), { channel: {} as AppChannel, logger, isStopping: () => false });
    expect([b.maxMessagesCount, b.maxAwaitDurationMs]).toEqual([DEFAULT_MAX_MESSAGES_COUNT, DEFAULT_MAX_AWAIT_DURATION_MS]);
  });
});

describe('bulk delivery through Deliveries', () => {
  let server: http.Server;
  let answer: (path: string, body: BulkJson) => { status: number; body: string };
  const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: BulkJson; at: number }> = [];
  let channel: AppChannel;
  let broker: InMemoryPubSub;
  let store: ComponentStore;
  let deliveries: Deliveries;
  const dead: Array<Record<string, unknown>> = [];

  /** Answers every entry with the status in its event's data.answer (SUCCESS when absent). */
  const byData = (_p: string, b: BulkJson) => ({
    status: 200,
    body: JSON.stringify({ statuses: b.entries.filter((e) => typeof e.event !== 'object' || (e.event.data as { answer?: string }).answer !== 'none').map((e) => ({ entryId: e.entryId, status: typeof e.event === 'object' ? ((e.event.data as { answer?: string }).answer ?? 'SUCCESS') : 'SUCCESS' })) }),
  });

  beforeEach(async () => {
    received.length = 0;
    dead.length = 0;
    answer = byData;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as BulkJson;
        received.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
        const r = answer(req.url ?? '', body);
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: (server.address() as AddressInfo).port, appApiToken: 'app-secret', maxConcurrency: 0 });
    broker = new InMemoryPubSub(logger);
    await broker.subscribe({ topic: 'poison' }, async (m) => {
      const text = m.data.toString();
      dead.push(text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { raw: text });
      return 'success';
    });
    store = new ComponentStore();
    store.add({ manifest: { name: 'ps', category: 'pubsub', type: 'pubsub.in-memory', version: 'v1', metadata: [] } as never, instance: broker });
    deliveries = new Deliveries({ channel, logger });
  });

  afterEach(async () => {
    await deliveries.stop(1000);
    await broker.close();
    channel.close();
    await new Promise((r) => server.close(r));
  });

  function sub(raw: Record<string, unknown>, bulk: Record<string, unknown> = {}): Subscription {
    return buildSubscription({ pubsubname: 'ps', topic: 'orders', bulkSubscribe: { enabled: true, maxMessagesCount: 3, maxAwaitDurationMs: 60, ...bulk }, ...raw }, 'PROGRAMMATIC', 'test') as Subscription;
  }

  function envelope(id: string, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Buffer {
    return Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'app', type: 'order', datacontenttype: 'application/json', data, ...extra }));
  }

  async function until(check: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const ids = (i: number) => received[i]?.body.entries.map((e) => (e.event as { id: string }).id);
  const posts = (id: string) => received.filter((r) => r.body.entries.some((e) => typeof e.event === 'object' && e.event.id === id)).length;

  it('sends a full batch at once, as one JSON envelope with headers and per-entry metadata', async () => {
    await deliveries.start([sub({ route: 'orders' }, { maxAwaitDurationMs: 60_000 })], store);
    for (const id of ['1', '2', '3']) await broker.publish({ topic: 'orders', data: envelope(id), metadata: { 'x-tenant': 'acme' } });
    await until(() => received.length === 1);
    const r = received[0];
    expect(r?.path).toBe('/orders');
    expect(r?.headers).toMatchObject({ 'content-type': 'application/json', 'dapr-api-token': 'app-secret', pubsubname: 'ps' });
    expect(r?.body).toMatchObject({ pubsubname: 'ps', topic: 'orders', type: 'com.dapr.event.sent.bulk', metadata: { pubsubName: 'ps' } });
    expect(ids(0)).toEqual(['1', '2', '3']);
    expect(r?.body.entries[0]).toMatchObject({ contentType: 'application/cloudevents+json', metadata: { 'x-tenant': 'acme' }, event: { specversion: '1.0', id: '1', type: 'order' } });
    expect(new Set(r?.body.entries.map((e) => e.entryId)).size).toBe(3);
  });

  it('sends a partial batch after maxAwaitDurationMs', async () => {
    await deliveries.start([sub({ route: '/orders' }, { maxAwaitDurationMs: 150 })], store);
    const t0 = Date.now();
    await broker.publish({ topic: 'orders', data: envelope('1') });
    await broker.publish({ topic: 'orders', data: envelope('2') });
    await until(() => received.length === 1);
    expect((received[0]?.at ?? 0) - t0).toBeGreaterThanOrEqual(140);
    expect(ids(0)).toEqual(['1', '2']);
  });

  it('routes per entry: entries for different paths go in separate envelopes; unmatched ones are skipped', async () => {
    await deliveries.start([sub({ routes: { rules: [{ match: 'event.data.n > 5', path: '/big' }, { match: 'event.type == "order"', path: '/small' }] } }, { maxMessagesCount: 4 })], store);
    await broker.publish({ topic: 'orders', data: envelope('a', { n: 10 }) });
    await broker.publish({ topic: 'orders', data: envelope('b', { n: 1 }) });
    await broker.publish({ topic: 'orders', data: envelope('c', {}, { type: 'other' }) });
    await broker.publish({ topic: 'orders', data: envelope('d', { n: 2 }) });
    await until(() => received.length === 2);
    const byPath = Object.fromEntries(received.map((r) => [r.path, r.body.entries.map((e) => (e.event as { id: string }).id)]));
    expect(byPath).toEqual({ '/big': ['a'], '/small': ['b', 'd'] });
  });

  it('settles each entry from its status: SUCCESS once, RETRY and missing redelivered, DROP dead-lettered', async () => {
    await deliveries.start([sub({ route: '/orders', deadLetterTopic: 'poison' }, { maxMessagesCount: 4 })], store);
    await broker.publish({ topic: 'orders', data: envelope('ok', { answer: 'SUCCESS' }) });
    await broker.publish({ topic: 'orders', data: envelope('again', { answer: 'RETRY' }) });
    await broker.publish({ topic: 'orders', data: envelope('gone', { answer: 'DROP' }) });
    await broker.publish({ topic: 'orders', data: envelope('silent', { answer: 'none' }) });
    // RETRY and unanswered entries are retried up to the budget, then dead-lettered.
    await until(() => dead.length === 3);
    expect(dead.map((d) => d.id).sort()).toEqual(['again', 'gone', 'silent']);
    expect(posts('ok')).toBe(1);
    expect(posts('gone')).toBe(1);
    expect(posts('again')).toBe(MAX_DELIVERY_ATTEMPTS);
    expect(posts('silent')).toBe(MAX_DELIVERY_ATTEMPTS);
  });

  it('drops every entry on 404 and retries every entry on other errors', async () => {
    answer = (path) => ({ status: path === '/gone' ? 404 : 500, body: '' });
    await deliveries.start([sub({ routes: { rules: [{ match: 'event.data.where == "gone"', path: '/gone' }], default: '/broken' }, deadLetterTopic: 'poison' }, { maxMessagesCount: 2 })], store);
    await broker.publish({ topic: 'orders', data: envelope('g1', { where: 'gone' }) });
    await broker.publish({ topic: 'orders', data: envelope('g2', { where: 'gone' }) });
    await until(() => dead.length === 2);
    expect(dead.map((d) => d.id).sort()).toEqual(['g1', 'g2']);
    expect(posts('g1')).toBe(1);
    await broker.publish({ topic: 'orders', data: envelope('b1', { where: 'x' }) });
    await broker.publish({ topic: 'orders', data: envelope('b2', { where: 'x' }) });
    await until(() => dead.length === 4);
    expect(posts('b1')).toBe(MAX_DELIVERY_ATTEMPTS);
  });

  it('puts the raw payload, base64-encoded, as the event of raw-payload subscriptions', async () => {
    await deliveries.start([sub({ route: '/raw', metadata: { rawPayload: 'true' } }, { maxMessagesCount: 2 })], store);
    await broker.publish({ topic: 'orders', data: Buffer.from('hello') });
    await broker.publish({ topic: 'orders', data: Buffer.from([0, 255]) });
    await until(() => received.length === 1);
    expect(received[0]?.body.entries.map((e) => [e.event, e.contentType])).toEqual([
      [Buffer.from('hello').toString('base64'), 'application/octet-stream'],
      [Buffer.from([0, 255]).toString('base64'), 'application/octet-stream'],
    ]);
  });

  it('counts retries of raw payloads by their bytes and dead-letters them after the budget', async () => {
    answer = (_p, b) => ({ status: 200, body: JSON.stringify({ statuses: b.entries.map((e) => ({ entryId: e.entryId, status: 'RETRY' })) }) });
    await deliveries.start([sub({ route: '/raw', metadata: { rawPayload: 'true' }, deadLetterTopic: 'poison' }, { maxMessagesCount: 1 })], store);
    await broker.publish({ topic: 'orders', data: Buffer.from('again and again') });
    await until(() => dead.length === 1);
    expect(dead).toEqual([{ raw: 'again and again' }]);
    expect(received).toHaveLength(MAX_DELIVERY_ATTEMPTS);
  });

  it('sends buffered messages on stop() instead of waiting for the timer, and never dead-letters them', async () => {
    answer = (_p, b) => ({ status: 200, body: JSON.stringify({ statuses: b.entries.map((e) => ({ entryId: e.entryId, status: 'RETRY' })) }) });
    await deliveries.start([sub({ route: '/orders', deadLetterTopic: 'poison' }, { maxAwaitDurationMs: 60_000 })], store);
    await broker.publish({ topic: 'orders', data: envelope('buffered') });
    await new Promise((r) => setTimeout(r, 30));
    expect(received).toHaveLength(0);
    const t0 = Date.now();
    await deliveries.stop(5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(ids(0)).toEqual(['buffered']);
    expect(dead).toHaveLength(0);
  });
  it('traces each entry that carries a trace context: a pubsub/<topic> CONSUMER span, child of its own publisher (daprd DeliverBulk)', async () => {
    const spans: ReadableSpan[] = [];
    const exporter = {
      export(s: ReadableSpan[], done: (r: ExportResult) => void) {
        spans.push(...s);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    };
    const tracing = createTracing({ appId: 'sub', config: { samplingRate: 1, stdout: false }, metrics: { dropped: () => undefined, exported: () => undefined }, exporters: [exporter] }) as Tracing;
    deliveries = new Deliveries({ channel, logger, tracing: () => tracing });
    await deliveries.start([sub({ route: '/orders', deadLetterTopic: 'poison' }, { maxMessagesCount: 3, maxAwaitDurationMs: 60_000 })], store);
    const tpA = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const tpB = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await broker.publish({ topic: 'orders', data: envelope('a', { answer: 'SUCCESS' }, { traceparent: tpA }) });
    await broker.publish({ topic: 'orders', data: envelope('b', { answer: 'DROP' }, { traceid: tpB, tracestate: 'k=v' }) });
    await broker.publish({ topic: 'orders', data: envelope('c', { answer: 'SUCCESS' }) });
    await until(() => received.length === 1 && dead.length === 1);
    // One request cannot name several parents: the bulk request carries no trace headers (as daprd).
    expect(received[0]?.headers.traceparent).toBeUndefined();
    await until(() => {
      void tracing.flush();
      return spans.length === 2;
    });
    const byTrace = new Map(spans.map((s) => [s.spanContext().traceId, s]));
    const a = byTrace.get('0af7651916cd43dd8448eb211c80319c');
    const b = byTrace.get('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const s of [a, b]) {
      expect(s?.name).toBe('pubsub/orders');
      expect(s?.kind).toBe(SpanKind.CONSUMER);
      expect(s?.attributes).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'messaging.destination.name': 'orders', 'dapr.pubsub': 'ps' });
    }
    expect(a?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(b?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(b?.spanContext().traceState?.get('k')).toBe('v');
    expect(a?.status.code).toBe(SpanStatusCode.UNSET);
    expect(b?.status.code).toBe(SpanStatusCode.ERROR);
    await tracing.shutdown();
  });
});

import { DaprError } from '../errors/dapr-error';
import {
  buildEnvelope,
  isExpired,
  mediaType,
  parseCloudEvent,
  parseTtl,
  rfc3339Local,
  rfc3339UTC,
  arrayElements,
  topLevelMembers,
  type EnvelopeRequest,
} from './cloudevent';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const NOW = new Date('2026-05-01T08:11:12.345Z');

function req(over: Partial<EnvelopeRequest> = {}): EnvelopeRequest {
  return {
    appId: 'checkout',
    pubsubName: 'orderpubsub',
    topic: 'orders',
    body: Buffer.from('{"orderId":1}'),
    contentType: 'application/json',
    traceparent: TP,
    metadata: {},
    features: [],
    now: NOW,
    newId: () => 'the-id',
    ...over,
  };
}

function envelope(over: Partial<EnvelopeRequest> = {}): Record<string, unknown> {
  const e = buildEnvelope(req(over));
  expect(e.contentType).toBe('application/cloudevents+json');
  return JSON.parse(e.data.toString('utf8')) as Record<string, unknown>;
}

function codeOf(fn: () => unknown): { code: string; status: number } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DaprError);
    return { code: (err as DaprError).code, status: (err as DaprError).status };
  }
  throw new Error('expected a DaprError');
}

describe('generated envelope', () => {
  it('has every field, keys sorted like Go', () => {
    const e = buildEnvelope(req());
    const text = e.data.toString('utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toEqual({
      data: { orderId: 1 },
      datacontenttype: 'application/json',
      id: 'the-id',
      pubsubname: 'orderpubsub',
      source: 'checkout',
      specversion: '1.0',
      time: rfc3339Local(NOW),
      topic: 'orders',
      traceid: TP,
      traceparent: TP,
      tracestate: '',
      type: 'com.dapr.event.sent',
    });
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(e.rawPayload).toBe(false);
  });

  it('generates a UUID v4 id by default', () => {
    const e = envelope({ newId: undefined });
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('treats an absent content type as text/plain string data', () => {
    const e = envelope({ contentType: undefined, body: Buffer.from('{"a":1}') });
    expect(e.datacontenttype).toBe('text/plain');
    expect(e.data).toBe('{"a":1}');
  });

  it('parses application/json case-insensitively, with params, keeping datacontenttype verbatim', () => {
    const e = envelope({ contentType: 'Application/JSON; charset=utf-8' });
    expect(e.datacontenttype).toBe('Application/JSON; charset=utf-8');
    expect(e.data).toEqual({ orderId: 1 });
  });

  it('keeps big integers exact', () => {
    const e = buildEnvelope(req({ body: Buffer.from('{"id":12345678901234567890123,"n":[9007199254740993]}') }));
    const text = e.data.toString('utf8');
    expect(text).toContain('"data":{"id":12345678901234567890123,"n":[9007199254740993]}');
  });

  it('falls back to a string when application/json does not parse', () => {
    expect(envelope({ body: Buffer.from('{not json') }).data).toBe('{not json');
  });

  it('keeps JSON scalars and arrays as JSON', () => {
    expect(envelope({ body: Buffer.from(' "hi" ') }).data).toBe('hi');
    expect(envelope({ body: Buffer.from('[1,true,null]') }).data).toEqual([1, true, null]);
  });

  it.each(['application/octet-stream', 'application/cloudevents+protobuf', 'application/x-protobuf'])('%s → data_base64', (ct) => {
    const body = Buffer.from([0, 1, 2, 255]);
    const e = envelope({ contentType: ct, body });
    expect(e.data_base64).toBe(body.toString('base64'));
    expect(e.data).toBeUndefined();
  });

  it.each(['text/plain', 'application/xml', 'application/vnd.x+json', 'text/json'])('%s → string data', (ct) => {
    const e = envelope({ contentType: ct, body: Buffer.from('{"a":1}') });
    expect(e.data).toBe('{"a":1}');
    expect(e.datacontenttype).toBe(ct);
  });

  it('applies cloudevent.* overrides case-insensitively; traceparent wins over traceid', () => {
    const e = envelope({
      metadata: {
        'cloudevent.id': 'my-id',
        'CloudEvent.Source': 'src',
        'cloudevent.type': 'my.type',
        'cloudevent.subject': 'subj',
        'cloudevent.traceid': 'tid',
        'cloudevent.traceparent': 'tparent',
        'cloudevent.tracestate': 'k=v',
      },
    });
    expect(e).toMatchObject({ id: 'my-id', source: 'src', type: 'my.type', subject: 'subj', traceid: 'tparent', traceparent: 'tparent', tracestate: 'k=v' });
  });

  it('uses cloudevent.traceid for both trace fields when alone, and has no subject by default', () => {
    const e = envelope({ metadata: { 'cloudevent.traceid': 'tid' } });
    expect([e.traceid, e.traceparent]).toEqual(['tid', 'tid']);
    expect('subject' in e).toBe(false);
  });

  it('carries the request tracestate', () => {
    expect(envelope({ tracestate: 'a=b' }).tracestate).toBe('a=b');
  });
});

describe('ttl', () => {
  it('adds expiration (UTC) from ttlInSeconds or ttl when the component lacks MESSAGE_TTL', () => {
    expect(envelope({ metadata: { ttlInSeconds: '60' } }).expiration).toBe('2026-05-01T08:12:12Z');
    expect(envelope({ metadata: { ttl: '1m30s' } }).expiration).toBe('2026-05-01T08:12:42Z');
  });

  it('leaves ttl to a component with MESSAGE_TTL', () => {
    expect('expiration' in envelope({ metadata: { ttlInSeconds: '60' }, features: ['MESSAGE_TTL'] })).toBe(false);
  });

  it('rejects an invalid ttl with 400 ERR_PUBSUB_REQUEST_METADATA', () => {
    expect(codeOf(() => buildEnvelope(req({ metadata: { ttlInSeconds: 'soon' } })))).toEqual({ code: 'ERR_PUBSUB_REQUEST_METADATA', status: 400 });
    expect(codeOf(() => buildEnvelope(req({ metadata: { ttlInSeconds: '-5' } }))).code).toBe('ERR_PUBSUB_REQUEST_METADATA');
  });

  it('parses seconds and Go durations', () => {
    expect([parseTtl('10'), parseTtl('1h'), parseTtl('1.5s'), parseTtl('250ms'), parseTtl('x'), parseTtl('10 s')]).toEqual([10_000, 3_600_000, 1500, 250, undefined, undefined]);
  });

  it('isExpired compares expiration with now', () => {
    const e = envelope({ metadata: { ttlInSeconds: '1' } });
    expect(isExpired(e, NOW)).toBe(false);
    expect(isExpired(e, new Date(NOW.getTime() + 2000))).toBe(true);
    expect(isExpired({}, NOW)).toBe(false);
    expect(isExpired({ expiration: 'garbage' }, NOW)).toBe(false);
  });
});

describe('rawPayload', () => {
  it('publishes the body untouched with the request content type', () => {
    const body = Buffer.from('not an event');
    const e = buildEnvelope(req({ body, contentType: 'text/plain', metadata: { rawPayload: 'true' } }));
    expect(e).toEqual({ data: body, contentType: 'text/plain', rawPayload: true });
    expect(buildEnvelope(req({ metadata: { rawPayload: 'false' } })).rawPayload).toBe(false);
    expect(buildEnvelope(req({ metadata: { rawPayload: 'T' } })).rawPayload).toBe(true);
  });

  it('rejects a rawPayload that is not a bool', () => {
    expect(codeOf(() => buildEnvelope(req({ metadata: { rawPayload: 'yes' } })))).toEqual({ code: 'ERR_PUBSUB_REQUEST_METADATA', status: 400 });
  });
});

describe('passthrough (application/cloudevents+json)', () => {
  const ce = (body: string, over: Partial<EnvelopeRequest> = {}): Record<string, unknown> =>
    envelope({ contentType: 'application/cloudevents+json', body: Buffer.from(body), ...over });

  it('keeps user fields, overwrites topic/pubsubname, fills defaults but no id', () => {
    const e = ce('{"topic":"x","pubsubname":"y","data":{"a":1},"custom":"c"}');
    expect(e).toEqual({
      topic: 'orders',
      pubsubname: 'orderpubsub',
      data: { a: 1 },
      custom: 'c',
      time: rfc3339Local(NOW),
      traceid: TP,
      traceparent: TP,
      tracestate: '',
      source: 'Dapr',
      type: 'com.dapr.event.sent',
      specversion: '1.0',
    });
  });

  it('keeps present time, trace, source, type, specversion and ignores overrides', () => {
    const body = '{"id":"1","time":"t","traceid":"tid","tracestate":"s","source":"me","type":"tp","specversion":"1.1"}';
    const e = ce(body, { metadata: { 'cloudevent.id': 'ignored' } });
    expect(e).toMatchObject({ id: '1', time: 't', traceid: 'tid', tracestate: 's', source: 'me', type: 'tp', specversion: '1.1' });
    expect('traceparent' in e).toBe(false);
  });

  it('keeps big integers and nested structures exact', () => {
    const text = buildEnvelope(req({ contentType: 'application/cloudevents+json', body: Buffer.from('{ "data" : {"n": 12345678901234567890, "s": "a,}\\"]"}, "l":[1,{"x":[2]}] }') })).data.toString();
    expect(text).toContain('"data":{"n": 12345678901234567890, "s": "a,}\\"]"}');
    expect(text).toContain('"l":[1,{"x":[2]}]');
  });

  it.each(['{bad', '[1,2]', '"str"'])('rejects %s with 500 ERR_PUBSUB_CLOUD_EVENTS_SER', (body) => {
    expect(codeOf(() => buildEnvelope(req({ contentType: 'application/cloudevents+json', body: Buffer.from(body) })))).toEqual({
      code: 'ERR_PUBSUB_CLOUD_EVENTS_SER',
      status: 500,
    });
  });

  it('adds expiration to a passthrough event too', () => {
    expect(ce('{"id":"1"}', { metadata: { ttlInSeconds: '60' } }).expiration).toBe('2026-05-01T08:12:12Z');
  });
});

describe('helpers', () => {
  it('formats RFC 3339 local and UTC times without fractions', () => {
    expect(rfc3339UTC(NOW)).toBe('2026-05-01T08:11:12Z');
    expect(rfc3339Local(NOW)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
    expect(Date.parse(rfc3339Local(NOW))).toBe(Date.parse('2026-05-01T08:11:12Z'));
  });

  it('mediaType strips params and lower-cases', () => {
    expect([mediaType(undefined), mediaType(' Text/Plain ; charset=x')]).toEqual(['', 'text/plain']);
  });

  it('topLevelMembers keeps raw member text and the last duplicate', () => {
    expect([...topLevelMembers('{"a":1,"b":"x","a":{"c":[1,2]},"d":true}')]).toEqual([
      ['a', '{"c":[1,2]}'],
      ['b', '"x"'],
      ['d', 'true'],
    ]);
    expect([...topLevelMembers('{}')]).toEqual([]);
  });

  it('topLevelMembers copes with whitespace, escapes and brackets inside strings', () => {
    expect([...topLevelMembers(' { "a" :\n "x\\"}]" , "b":[ {"c":"]"} ] , "n" : -1.5e3 } ')]).toEqual([
      ['a', '"x\\"}]"'],
      ['b', '[ {"c":"]"} ]'],
      ['n', '-1.5e3'],
    ]);
  });

  it('arrayElements keeps each element as written', () => {
    expect(arrayElements(' [ 1 , {"a":[2,"]"]}, "s", 12345678901234567890 ] ')).toEqual(['1', '{"a":[2,"]"]}', '"s"', '12345678901234567890']);
    expect(arrayElements('[]')).toEqual([]);
  });

  it('parseCloudEvent returns objects only', () => {
    expect(parseCloudEvent(Buffer.from('{"id":"1"}'))).toEqual({ id: '1' });
    expect(parseCloudEvent('[1]')).toBeUndefined();
    expect(parseCloudEvent('nope')).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPublishRequest } from './request';

const base = { publishAppId: 'checkout', pubsub: 'orderpubsub', topic: 'orders' };

describe('buildPublishRequest', () => {
  it('posts JSON data to the publish route with metadata as query parameters', () => {
    const r = buildPublishRequest({ ...base, data: '{"orderId":1}', metadata: ['ttlInSeconds=60', '{"rawPayload":"false"}'] }, '.');
    expect(r.path).toBe('/v1.0/publish/orderpubsub/orders?metadata.ttlInSeconds=60&metadata.rawPayload=false');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.toString()).toBe('{"orderId":1}');
  });

  it('sends a payload that is already a CloudEvent as application/cloudevents+json', () => {
    const ce = JSON.stringify({ id: '1', source: 's', specversion: '1.0', type: 't', data: { a: 1 } });
    expect(buildPublishRequest({ ...base, data: ce }, '.').headers['content-type']).toBe('application/cloudevents+json');
  });

  it('reads --data-file relative to the working directory and keeps nested topics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidapr-pub-'));
    try {
      writeFileSync(join(dir, 'order.json'), '{"orderId":2}');
      const r = buildPublishRequest({ ...base, topic: 'a/b', dataFile: 'order.json' }, dir);
      expect(r.path).toBe('/v1.0/publish/orderpubsub/a/b');
      expect(r.body.toString()).toBe('{"orderId":2}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('collects every problem, naming the flag', () => {
    expect(() => buildPublishRequest({ publishAppId: '', pubsub: '', topic: '', data: '{', dataFile: 'x' }, '.')).toThrow(/--publish-app-id/);
    expect(() => buildPublishRequest({ ...base, data: '{oops' }, '.')).toThrow(/--data: invalid JSON/);
    expect(() => buildPublishRequest({ ...base, dataFile: 'missing.json' }, '.')).toThrow(/--data-file: cannot read missing\.json: no such file/);
    expect(() => buildPublishRequest({ ...base, metadata: ['novalue'] }, '.')).toThrow(/--metadata: "novalue"/);
  });
});

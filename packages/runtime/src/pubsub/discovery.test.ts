import { parseProgrammatic } from './discovery';

function parse(body: unknown): { subs: ReturnType<typeof parseProgrammatic>; warnings: string[] } {
  const warnings: string[] = [];
  const subs = parseProgrammatic(typeof body === 'string' ? body : JSON.stringify(body), (m) => warnings.push(m));
  return { subs, warnings };
}

describe('parseProgrammatic (GET /dapr/subscribe)', () => {
  it('accepts v1 items', () => {
    const { subs, warnings } = parse([{ pubsubname: 'ps', topic: 'orders', route: 'orders', metadata: { rawPayload: 'true' }, deadLetterTopic: 'poison' }]);
    expect(warnings).toEqual([]);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ pubsubname: 'ps', topic: 'orders', metadata: { rawPayload: 'true' }, deadLetterTopic: 'poison', type: 'PROGRAMMATIC' });
    expect(subs[0]?.rules.map((r) => r.path)).toEqual(['orders']);
  });

  it('accepts v2 items with rules, default and bulkSubscribe', () => {
    const { subs } = parse([
      {
        pubsubname: 'ps',
        topic: 'payments',
        routes: { rules: [{ match: 'event.type == "large"', path: '/large' }], default: '/payments' },
        bulkSubscribe: { enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 1000 },
      },
    ]);
    expect(subs[0]?.rules.map((r) => [r.match, r.path])).toEqual([
      ['event.type == "large"', '/large'],
      ['', '/payments'],
    ]);
    expect(subs[0]?.bulkSubscribe).toEqual({ enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 1000 });
    expect(subs[0]?.deadLetterTopic).toBe('');
  });

  it('reads field names as Go decodes them (case-insensitive; an exact spelling wins), map keys as sent', () => {
    const { subs, warnings } = parse([
      {
        pubsubName: 'ps',
        Topic: 'payments',
        ROUTES: { Rules: [{ MATCH: 'event.type == "large"', Path: '/large' }], Default: '/payments' },
        DeadLetterTopic: 'poison',
        Metadata: { RawPayload: 'true' },
        BulkSubscribe: { Enabled: true, MaxMessagesCount: 10, maxAwaitDurationMS: 50 },
      },
      { PUBSUBNAME: 'ps', pubsubname: 'exact', topic: 'orders', Route: '/orders' },
    ]);
    expect(warnings).toEqual([]);
    expect(subs[0]).toMatchObject({ pubsubname: 'ps', topic: 'payments', deadLetterTopic: 'poison', metadata: { RawPayload: 'true' } });
    expect(subs[0]?.rules.map((r) => [r.match, r.path])).toEqual([
      ['event.type == "large"', '/large'],
      ['', '/payments'],
    ]);
    expect(subs[0]?.bulkSubscribe).toEqual({ enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 50 });
    expect(subs[1]).toMatchObject({ pubsubname: 'exact', topic: 'orders' });
    expect(subs[1]?.rules.map((r) => r.path)).toEqual(['/orders']);
  });

  it('lets routes.default beat route', () => {
    const { subs } = parse([{ pubsubname: 'ps', topic: 't', route: '/route', routes: { default: '/default' } }]);
    expect(subs[0]?.rules.map((r) => r.path)).toEqual(['/default']);
  });

  it('drops items with neither route nor routes, or malformed, with a warning', () => {
    const { subs, warnings } = parse([
      { pubsubname: 'ps', topic: 'none' },
      { pubsubname: 'ps', route: '/x' },
      'text',
      { pubsubname: 'ps', topic: 'bad', routes: { rules: [{ match: 'size(event) > 1', path: '/a' }] } },
      { pubsubname: 'ps', topic: 'ok', route: '/ok' },
    ]);
    expect(subs.map((s) => s.topic)).toEqual(['ok']);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/neither "route" nor "routes"/);
    expect(warnings[3]).toMatch(/size\(event\) > 1/);
  });

  it('treats an empty or non-JSON body as no subscriptions', () => {
    expect(parse('').subs).toEqual([]);
    expect(parse('').warnings).toEqual([]);
    expect(parse('<html>').subs).toEqual([]);
    expect(parse('<html>').warnings).toHaveLength(1);
    expect(parse({ not: 'an array' }).subs).toEqual([]);
  });
});

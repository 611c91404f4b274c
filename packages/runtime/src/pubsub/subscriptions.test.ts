import { buildSubscription, mergeSubscriptions, SubscriptionError, toInfo, type Subscription } from './subscriptions';

function build(raw: Record<string, unknown>): Subscription | undefined {
  return buildSubscription({ pubsubname: 'ps', topic: 't', ...raw }, 'PROGRAMMATIC', 'src');
}

describe('buildSubscription', () => {
  it('turns route into one catch-all rule', () => {
    const s = build({ route: '/orders' });
    expect(s?.rules.map((r) => [r.match, r.path])).toEqual([['', '/orders']]);
  });

  it('puts rules in order, then routes.default, which beats route', () => {
    const s = build({ route: '/old', routes: { rules: [{ match: 'event.type == "a"', path: '/a' }, { match: 'event.type == "b"', path: '/b' }], default: '/def' } });
    expect(s?.rules.map((r) => [r.match, r.path])).toEqual([
      ['event.type == "a"', '/a'],
      ['event.type == "b"', '/b'],
      ['', '/def'],
    ]);
  });

  it('falls back to route when routes has no default', () => {
    const s = build({ route: '/old', routes: { rules: [{ match: 'event.type == "a"', path: '/a' }] } });
    expect(s?.rules.map((r) => r.path)).toEqual(['/a', '/old']);
  });

  it('returns undefined when there is no route at all', () => {
    expect(build({})).toBeUndefined();
    expect(build({ routes: {} })).toBeUndefined();
  });

  it('names the field of a malformed subscription', () => {
    expect(() => build({ topic: '', route: '/x' })).toThrow(/src: field "topic" is required/);
    expect(() => build({ routes: { rules: 'x' } })).toThrow(/field "routes.rules" must be a list/);
    expect(() => build({ routes: { rules: [{ match: 'event.type =', path: '/a' }] } })).toThrow(/field "routes.rules\[0\].match" has an unsupported match expression/);
    expect(() => build({ route: '/x', metadata: { a: {} } })).toThrow(SubscriptionError);
  });

  it('reports the metadata API shape', () => {
    const s = build({ routes: { rules: [{ match: 'event.type == "a"', path: '/a' }], default: '/d' }, metadata: { rawPayload: 'true' } }) as Subscription;
    expect(toInfo(s)).toEqual({
      pubsubname: 'ps',
      topic: 't',
      metadata: { rawPayload: 'true' },
      rules: [{ match: 'event.type == "a"', path: '/a' }, { path: '/d' }],
      deadLetterTopic: '',
      type: 'PROGRAMMATIC',
    });
    expect(toInfo(build({ route: '/x' }) as Subscription)).not.toHaveProperty('metadata');
  });

  it('lets declarative subscriptions win over programmatic ones for the same topic', () => {
    const decl = { ...(build({ route: '/d' }) as Subscription), type: 'DECLARATIVE' as const };
    const prog = [build({ route: '/p' }) as Subscription, buildSubscription({ pubsubname: 'ps', topic: 'other', route: '/o' }, 'PROGRAMMATIC', 'x') as Subscription];
    const warnings: string[] = [];
    const merged = mergeSubscriptions([decl], prog, (m) => warnings.push(m));
    expect(merged.map((s) => [s.topic, s.type])).toEqual([
      ['t', 'DECLARATIVE'],
      ['other', 'PROGRAMMATIC'],
    ]);
    expect(warnings).toHaveLength(1);
  });
});

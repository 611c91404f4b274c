/**
 * Inbound resiliency on delivery to the app (daprd's ComponentInboundPolicy around postman.Deliver
 * and the binding's app call), against a scripted app: exact call counts, what ends the retries,
 * what `matching` sees, and what happens once the policy gives up (dead-letter topic or back to the
 * broker for pub/sub; the component's error for bindings, 2xx still delivered).
 */
import type { AppCallbacks } from '../app-channel/types';
import type { InputHandler } from '../components/bindings/contract';
import type { PubSub, PublishRequest } from '../components/pubsub/contract';
import { ComponentStore } from '../components/store';
import type { Category, Component } from '../components/types';
import { InputBindings } from '../bindings/input';
import { createLogger } from '../logger';
import { Resiliency } from '../resiliency/resiliency';
import { Deliveries } from './delivery';
import { deliverUnderPolicy, inboundRunner } from './inbound';
import type { Verdict } from './settle';
import { buildSubscription, type Subscription } from './subscriptions';

const logger = createLogger({ appId: 't', level: 'error', json: true, version: 't', destination: { write: () => {} } });

function resiliency(targets: Record<string, unknown>): Resiliency {
  const doc = {
    kind: 'Resiliency',
    metadata: { name: 'in' },
    spec: {
      policies: { retries: { five: { policy: 'constant', duration: '1ms', maxRetries: 5 }, five500: { policy: 'constant', duration: '1ms', maxRetries: 5, matching: { httpStatusCodes: '500' } } } },
      targets: { components: targets },
    },
  };
  return Resiliency.fromResources([{ kind: 'Resiliency', name: 'in', file: 'r.yaml', doc }], { appId: 'app' });
}

const retry = (status?: number): { verdict: Verdict; status?: number } => ({ verdict: { result: 'retry', reason: 'nope' }, status });

describe('deliverUnderPolicy', () => {
  const runner = (policy = 'five') => inboundRunner(() => resiliency({ bus: { inbound: { retry: policy } } }), 'bus', 'pubsub');

  it('retries retry verdicts until the app succeeds (1 + N calls)', async () => {
    let calls = 0;
    const v = await deliverUnderPolicy(runner(), async () => (++calls <= 3 ? retry(500) : { verdict: { result: 'success' }, status: 200 }));
    expect(v.result).toBe('success');
    expect(calls).toBe(4);
  });

  it('gives up after maxRetries (6 calls) with the last verdict', async () => {
    let calls = 0;
    const v = await deliverUnderPolicy(runner(), async () => (calls++, retry(503)));
    expect(v).toEqual({ result: 'retry', reason: 'nope' });
    expect(calls).toBe(6);
  });

  it('does not retry a drop', async () => {
    let calls = 0;
    expect((await deliverUnderPolicy(runner(), async () => (calls++, { verdict: { result: 'drop' }, status: 404 }))).result).toBe('drop');
    expect(calls).toBe(1);
  });

  it('lets matching see non-2xx statuses; RETRY answers (no status) always retry', async () => {
    let calls = 0;
    await deliverUnderPolicy(runner('five500'), async () => (calls++, retry(503)));
    expect(calls).toBe(1);
    calls = 0;
    await deliverUnderPolicy(runner('five500'), async () => (calls++, retry(200)));
    expect(calls).toBe(6);
  });
});

describe('pub/sub delivery under an inbound policy', () => {
  const dlq: string[] = [];
  const pubsub = { publish: async (req: PublishRequest) => void dlq.push(req.topic) } as unknown as PubSub;
  const event = (id: string) => Buffer.from(JSON.stringify({ id, specversion: '1.0', type: 't', source: 's', data: {} }));

  function setup(raw: Record<string, unknown>, answer: () => Verdict) {
    let calls = 0;
    const app = {
      protocol: 'http',
      acquire: async () => () => {},
      deliverEvent: async () => (calls++, { status: 200, verdict: answer() }),
    } as unknown as AppCallbacks;
    const deliveries = new Deliveries({ app, logger, resiliency: () => resiliency({ ps: { inbound: { retry: 'five' } } }) });
    const sub = buildSubscription({ pubsubname: 'ps', topic: 'orders', route: '/orders', ...raw }, 'PROGRAMMATIC', 'test') as Subscription;
    return { handler: deliveries.handlerFor(sub, pubsub), calls: () => calls };
  }

  it('dead-letters at once after the policy gives up (no counting across redeliveries)', async () => {
    const { handler, calls } = setup({ deadLetterTopic: 'poison' }, () => ({ result: 'retry' }));
    expect(await handler({ topic: 'orders', data: event('m1') })).toBe('drop');
    expect(calls()).toBe(6);
    expect(dlq).toEqual(['poison']);
  });

  it('hands the message back to the broker without a dead-letter topic', async () => {
    const { handler, calls } = setup({}, () => ({ result: 'retry' }));
    expect(await handler({ topic: 'orders', data: event('m2') })).toBe('retry');
    expect(await handler({ topic: 'orders', data: event('m2') })).toBe('retry');
    expect(calls()).toBe(12);
  });
});

it('resends only the bulk entries still to be retried', async () => {
  const sent: string[][] = [];
  const app = {
    protocol: 'http',
    acquire: async () => () => {},
    deliverBulk: async (_sub: Subscription, _topic: string, entries: Array<{ entryId: string; event: { id: string } }>) => {
      sent.push(entries.map((e) => e.event.id));
      // m1 succeeds at once; m2 asks for a retry twice.
      const verdicts = new Map<string, Verdict>(entries.map((e) => [e.entryId, { result: e.event.id === 'm2' && sent.length < 3 ? 'retry' : 'success' }]));
      return { status: 200, verdicts };
    },
  } as unknown as AppCallbacks;
  const deliveries = new Deliveries({ app, logger, resiliency: () => resiliency({ ps: { inbound: { retry: 'five' } } }) });
  const sub = buildSubscription({ pubsubname: 'ps', topic: 'orders', route: '/orders', bulkSubscribe: { enabled: true, maxMessagesCount: 2 } }, 'PROGRAMMATIC', 'test') as Subscription;
  const handler = deliveries.handlerFor(sub, {} as PubSub);
  const ce = (id: string) => ({ topic: 'orders', data: Buffer.from(JSON.stringify({ id, specversion: '1.0', type: 't', source: 's', data: {} })) });
  expect(await Promise.all([handler(ce('m1')), handler(ce('m2'))])).toEqual(['success', 'success']);
  expect(sent).toEqual([['m1', 'm2'], ['m2'], ['m2']]);
});

describe('input bindings under an inbound policy', () => {
  function setup(answers: Array<{ ok: boolean; status?: number }>, protocol: 'http' | 'grpc' = 'http') {
    let calls = 0;
    const app = {
      protocol,
      acquire: async () => () => {},
      deliverBinding: async () => {
        const a = answers[Math.min(calls++, answers.length - 1)] as { ok: boolean; status?: number };
        return { ...a, body: Buffer.from(`answer ${calls}`), error: a.ok || a.status ? undefined : 'rpc failed' };
      },
    } as unknown as AppCallbacks;
    let handler: InputHandler | undefined;
    const binding = { init: async () => {}, close: async () => {}, features: () => [], read: async (h: InputHandler) => ((handler = h), async () => {}) };
    const store = new ComponentStore();
    const add = (name: string, category: Category, instance: Component) =>
      store.add({ manifest: { name, category, type: 'bindings.test', version: 'v1', metadata: [{ name: 'direction', value: 'input' }], ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: 'b.yaml' }, instance });
    add('cron', 'bindings', binding as unknown as Component);
    const inputs = new InputBindings({ app, logger, resiliency: () => resiliency({ cron: { inbound: { retry: 'five' } } }) });
    return { inputs, store, fire: () => (handler as InputHandler)({ data: Buffer.alloc(0), metadata: {} }), calls: () => calls };
  }

  it('retries until the app answers 200 (1 + N calls)', async () => {
    const s = setup([{ ok: false, status: 500 }, { ok: false, status: 500 }, { ok: true, status: 200 }]);
    await s.inputs.start(s.store);
    expect((await s.fire())?.toString()).toBe('answer 3');
    expect(s.calls()).toBe(3);
    await s.inputs.stop(100);
  });

  it('retries a 2xx other than 200, then takes it as delivered (6 calls)', async () => {
    const s = setup([{ ok: true, status: 201 }]);
    await s.inputs.start(s.store);
    expect((await s.fire())?.toString()).toBe('answer 6');
    expect(s.calls()).toBe(6);
    await s.inputs.stop(100);
  });

  it('returns the last failure to the component after 6 calls (gRPC app errors too)', async () => {
    const s = setup([{ ok: false }], 'grpc');
    await s.inputs.start(s.store);
    await expect(s.fire()).rejects.toThrow('rpc failed');
    expect(s.calls()).toBe(6);
    await s.inputs.stop(100);
  });
});

/**
 * Deliveries.pause/resume (the app turned unhealthy and recovered): pausing unsubscribes without
 * forgetting the subscriptions and answers stragglers 'retry' without calling the app; resuming
 * subscribes again; start, pause and resume apply in call order.
 */
import pino from 'pino';
import type { HandlerResult, Message, MessageHandler, PubSub, SubscribeRequest } from '../components/pubsub/contract';
import { ComponentStore } from '../components/store';
import type { ComponentManifest } from '../components/types';
import { AppChannel } from '../invoke/app-channel';
import { Deliveries } from './delivery';
import { buildSubscription, type Subscription } from './subscriptions';

class FakePubSub {
  readonly events: string[] = [];
  handlers: MessageHandler[] = [];
  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<() => Promise<void>> {
    this.events.push(`subscribe ${req.topic}`);
    this.handlers.push(handler);
    return async () => {
      this.events.push(`unsubscribe ${req.topic}`);
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }
}

const manifest: ComponentManifest = { name: 'ps', category: 'pubsub', type: 'pubsub.fake', version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'ps.yaml' };

function setup() {
  const pubsub = new FakePubSub();
  const store = new ComponentStore();
  store.add({ manifest, instance: pubsub as unknown as PubSub });
  // Port 9 (discard) is never reached: a paused delivery must not call the app.
  const channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: 9, maxConcurrency: 0 });
  const deliveries = new Deliveries({ channel, logger: pino({ level: 'silent' }) });
  const sub = buildSubscription({ pubsubname: 'ps', topic: 'orders', route: '/orders' }, 'PROGRAMMATIC', 'test') as Subscription;
  return { pubsub, store, channel, deliveries, sub };
}

const message: Message = { topic: 'orders', data: Buffer.from('{"id":"1","specversion":"1.0","type":"t","source":"s","data":{}}') };

describe('Deliveries.pause / resume', () => {
  it('unsubscribes on pause, answers a straggler retry, and subscribes again on resume', async () => {
    const { pubsub, store, channel, deliveries, sub } = setup();
    await deliveries.start([sub], store);
    const first = pubsub.handlers[0] as MessageHandler;
    await deliveries.pause();
    expect(pubsub.handlers).toHaveLength(0);
    await expect(first(message) as Promise<HandlerResult>).resolves.toBe('retry');
    await deliveries.resume();
    expect(pubsub.handlers).toHaveLength(1);
    await deliveries.stop(100);
    channel.close();
    expect(pubsub.events).toEqual(['subscribe orders', 'unsubscribe orders', 'subscribe orders', 'unsubscribe orders']);
  });

  it('does not subscribe when started while paused, until resumed; pause and resume are idempotent', async () => {
    const { pubsub, store, channel, deliveries, sub } = setup();
    void deliveries.pause();
    await deliveries.start([sub], store);
    expect(pubsub.events).toEqual([]);
    void deliveries.resume();
    await deliveries.resume();
    expect(pubsub.events).toEqual(['subscribe orders']);
    await deliveries.stop(100);
    await deliveries.resume(); // after stop: nothing
    channel.close();
    expect(pubsub.events).toEqual(['subscribe orders', 'unsubscribe orders']);
  });
});

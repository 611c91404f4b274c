import { Lifecycle, type LifecyclePart, type RuntimeContext } from './context';
import { RUNTIME_PARTS } from '../runtime';

function fakeContext(): { ctx: RuntimeContext; abort: AbortController; errors: string[] } {
  const abort = new AbortController();
  const errors: string[] = [];
  const ctx = {
    signal: abort.signal,
    graceMs: 5000,
    logger: { error: (_o: unknown, msg: string) => errors.push(msg) },
  } as unknown as RuntimeContext;
  return { ctx, abort, errors };
}

function recorder() {
  const events: string[] = [];
  const part = (name: string, o: { background?: boolean; failStart?: boolean; startGate?: Promise<void> } = {}): LifecyclePart => ({
    name,
    background: o.background,
    async start() {
      events.push(`start ${name}`);
      if (o.startGate) await o.startGate;
      if (o.failStart) throw new Error(`${name} failed`);
    },
    stop(ctx) {
      events.push(`stop ${name} grace=${ctx.graceMs}`);
    },
  });
  return { events, part };
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}

describe('Lifecycle', () => {
  it('starts the parts in order and stops them in reverse', async () => {
    const { events, part } = recorder();
    const { ctx } = fakeContext();
    const lc = new Lifecycle([part('a'), part('b'), part('c')], ctx);
    await lc.start();
    await lc.stop();
    expect(events).toEqual(['start a', 'start b', 'start c', 'stop c grace=5000', 'stop b grace=5000', 'stop a grace=5000']);
  });

  it('after a failed start stops only the parts already started, with no grace, and rethrows', async () => {
    const { events, part } = recorder();
    const { ctx } = fakeContext();
    const lc = new Lifecycle([part('a'), part('b', { failStart: true }), part('c')], ctx);
    await expect(lc.start()).rejects.toThrow('b failed');
    expect(events).toEqual(['start a', 'start b', 'stop b grace=0', 'stop a grace=0']);
  });

  it('returns from start() before the background parts, which stop starting once stop() begins', async () => {
    const { events, part } = recorder();
    const { ctx, abort } = fakeContext();
    let openApp!: () => void;
    const appUp = new Promise<void>((r) => (openApp = r));
    const lc = new Lifecycle([part('server'), part('app', { background: true, startGate: appUp }), part('subscriptions')], ctx);
    await lc.start();
    expect(events).toEqual(['start server', 'start app']);
    abort.abort();
    await lc.stop();
    openApp();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start server', 'start app', 'stop app grace=5000', 'stop server grace=5000']);
  });

  it('runs the background parts in order after start() and logs a failing one without starting the rest', async () => {
    const { events, part } = recorder();
    const { ctx, errors } = fakeContext();
    const lc = new Lifecycle([part('server'), part('app', { background: true }), part('bad', { failStart: true }), part('ready')], ctx);
    await lc.start();
    await until(() => errors.length > 0);
    expect(events).toEqual(['start server', 'start app', 'start bad']);
    expect(errors).toEqual(['starting bad failed']);
  });
});

describe('RUNTIME_PARTS', () => {
  it('loads the configuration first and starts the app-dependent parts in the background, in order', () => {
    expect(RUNTIME_PARTS.map((p) => p.name)).toEqual([
      'configuration',
      'tracing',
      'mtls',
      'invocation',
      'components',
      'public HTTP server',
      'gRPC API server',
      'sidecar-to-sidecar listener',
      'metrics server',
      'instance registration',
      'app port',
      'app health prober',
      'subscriptions',
      'input bindings',
      'ready',
    ]);
    expect(RUNTIME_PARTS.findIndex((p) => p.background)).toBe(RUNTIME_PARTS.findIndex((p) => p.name === 'app port'));
  });
});

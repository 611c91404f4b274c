/**
 * @module test/support/app
 * The fixture of the server/app unit tests: `build()` wires createApp with parsed options, a
 * component store holding an in-memory `statestore`, a recording direct-messaging stub and a
 * logger writing into an array; `withSpy()` adds a `spy` state store that records what it is asked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ComponentStore } from '../../src/components/store';
import { InMemoryStateStore } from '../../src/components/state/in-memory';
import type { GetRequest, QueryRequest, QueryResponse, SetRequest, TransactionOperation } from '../../src/components/state/contract';
import type { ComponentManifest } from '../../src/components/types';
import type { DirectMessaging } from '../../src/invoke/direct-messaging';
import type { InvokeTarget } from '../../src/invoke/method';
import { createLogger } from '../../src/logger';
import { parseOptions } from '../../src/options';
import { createApp } from '../../src/server/app';
import type { AppDeps } from '../../src/server/deps';

export interface Built {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  invoked: Array<{ target: InvokeTarget; query: string }>;
  logs: string[];
  shutdowns: boolean[];
}

export function manifest(name: string, category: 'state' | 'pubsub', type: string): ComponentManifest {
  return { name, category, type, version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml' };
}

export function build(args: string[] = [], env: NodeJS.ProcessEnv = {}, withStore = true): Built {
  const parsed = parseOptions(['--app-id', 'nodeapp', ...args], env, '.');
  if (!parsed.options) throw new Error(parsed.errors.join('; '));
  const logs: string[] = [];
  const store = new ComponentStore();
  if (withStore) store.add({ manifest: manifest('statestore', 'state', 'state.in-memory'), instance: new InMemoryStateStore() });
  const invoked: Built['invoked'] = [];
  const shutdowns: boolean[] = [];
  const directMessaging: DirectMessaging = {
    async invoke(_req: IncomingMessage, res: ServerResponse, target: InvokeTarget, query: string) {
      invoked.push({ target, query });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`invoked ${target.appId}/${target.method}`);
    },
    async deliverFromPeer() {},
    call: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0) }),
    close() {},
  };
  const deps: AppDeps = {
    options: parsed.options,
    logger: createLogger({ appId: 'nodeapp', level: 'info', json: false, version: 't', destination: { write: (l: string) => logs.push(l) } }),
    store,
    health: { outboundReady: true, ready: true },
    metadata: { extended: new Map(), enabledFeatures: [], subscriptions: [], httpEndpoints: [] },
    directMessaging,
    apiLogging: parsed.options.enableApiLogging ?? false,
    runtimeVersion: '9.9.9',
    requestShutdown: (force) => shutdowns.push(force),
  };
  return { app: createApp(deps), deps, invoked, logs, shutdowns };
}
/** An in-memory store that records requests, counts concurrent reads, and can fail or answer queries. */
export class SpyStore extends InMemoryStateStore {
  sets: SetRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failGet = new Set<string>();
  queries: QueryRequest[] = [];
  queryAnswer: QueryResponse | Error = { results: [] };
  multiMetadata: Array<Record<string, string> | undefined> = [];
  constructor(private readonly extra: string[] = []) {
    super();
  }
  override features(): readonly string[] {
    return [...super.features(), ...this.extra];
  }
  override async set(req: SetRequest): Promise<void> {
    this.sets.push(req);
    return super.set(req);
  }
  override async get(req: GetRequest) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      if (this.failGet.has(req.key)) throw new Error(`boom ${req.key}`);
      return await super.get(req);
    } finally {
      this.inFlight--;
    }
  }
  override async multi(operations: readonly TransactionOperation[], metadata?: Record<string, string>): Promise<void> {
    this.multiMetadata.push(metadata);
    return super.multi(operations);
  }
  async query(req: QueryRequest): Promise<QueryResponse> {
    this.queries.push(req);
    if (this.queryAnswer instanceof Error) throw this.queryAnswer;
    return this.queryAnswer;
  }
}

export function withSpy(extra: string[] = []): { b: Built; spy: SpyStore } {
  const b = build();
  const spy = new SpyStore(extra);
  b.deps.store.add({ manifest: manifest('spy', 'state', 'state.spy'), instance: spy });
  return { b, spy };
}

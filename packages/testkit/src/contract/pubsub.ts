/// <reference types="jest" />
/**
 * @module contract/pubsub
 * The in-process pub/sub contract suite (the checks of components-contrib tests/conformance/pubsub,
 * run against the broker interface rather than through sidecars): round trip with bytes and
 * metadata, several topics, each message once on success, publish order where the broker promises
 * it, redelivery on a retry verdict or a thrown handler, no redelivery after drop, unsubscribe and
 * close, bulk publish where BULK_PUBSUB is claimed, and message TTL where MESSAGE_TTL is claimed.
 * Every case opens its own instances (closed after it) and topics named with a per-run id.
 *
 * @example
 * runPubSubContract({ name: 'pubsub.in-memory', factory: () => createInMemoryPubSub(ctx), ordered: true });
 */
import { contextOf, createRegistrar, declaredFeatures, metadataOf, runId, type CaseRegistrar } from './common';
import { registerPubSubDeliveryCases } from './pubsub-delivery';
import { registerPubSubLifecycleCases } from './pubsub-lifecycle';
import { PUBSUB_FEATURE, type ContractCommonOptions, type ContractHandlerResult, type ContractMessage, type ContractPubSub } from './types';

export interface PubSubContractOptions extends ContractCommonOptions {
  /** Returns an uninitialised broker; each case inits the instances it needs with `metadata`. */
  factory: () => ContractPubSub;
  /** The broker hands a subscriber the first attempts of one topic in publish order. */
  ordered?: boolean;
  /** Every topic the suite uses starts with this (default `contract-<run id>-`). */
  topicPrefix?: string;
  /** How long a case waits for an expected delivery (default 10 s). */
  deliveryTimeoutMs?: number;
  /** How long a case watches for a delivery that must not happen (default 500 ms). */
  quietMs?: number;
  /** Per-case timeout (default 30 s). */
  timeoutMs?: number;
}

/** What a subscription recorded: every delivery, in arrival order. */
export interface Recorder {
  readonly messages: ContractMessage[];
  /** The texts of the deliveries so far. */
  texts(): string[];
  handler: (msg: ContractMessage) => Promise<ContractHandlerResult>;
}

/** What the case files get from the runner. */
export interface PubSubCaseContext {
  o: PubSubContractOptions;
  add: CaseRegistrar['add'];
  claimed: readonly string[];
  /** An initialised instance, closed after the case. */
  open(): Promise<ContractPubSub>;
  /** A fresh topic name under the suite's prefix. */
  topic(name: string): string;
  /** Waits (polling) until `probe` holds, up to deliveryTimeoutMs. */
  until(what: string, probe: () => boolean): Promise<void>;
  /** Waits quietMs, for checks that something did not happen. */
  quiet(): Promise<void>;
  /** A handler that records each delivery and answers with `verdict(msg, attempt)` (default success). */
  recorder(verdict?: (msg: ContractMessage, attempt: number) => ContractHandlerResult | Promise<ContractHandlerResult>): Recorder;
}

export function runPubSubContract(o: PubSubContractOptions): void {
  const claimed = declaredFeatures(o.factory);
  const prefix = o.topicPrefix ?? `contract-${runId()}-`;
  const opened: ContractPubSub[] = [];
  let n = 0;

  describe(`pubsub contract: ${o.name} [${[...claimed].sort().join(', ') || 'no optional features'}]`, () => {
    const add = createRegistrar(o, claimed, o.timeoutMs ?? 30000);
    const ctx: PubSubCaseContext = {
      o,
      add: add.add,
      claimed,
      open: async () => {
        const ps = o.factory();
        opened.push(ps);
        await ps.init(metadataOf(o), contextOf(o));
        return ps;
      },
      topic: (name) => `${prefix}${name}-${++n}`,
      until: (what, probe) => poll(what, probe, o.deliveryTimeoutMs ?? 10000),
      quiet: () => new Promise((r) => setTimeout(r, o.quietMs ?? 500)),
      recorder,
    };

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((ps) => ps.close()));
    });

    afterAll(async () => {
      if (add.up) await o.cleanup?.();
    });

    describe('features', () => registerFeatureCases(ctx));
    describe('delivery and verdicts', () => registerPubSubDeliveryCases(ctx));
    describe('unsubscribe, close, bulk publish and TTL', () => registerPubSubLifecycleCases(ctx));
  });
}

function registerFeatureCases(ctx: PubSubCaseContext): void {
  const { add, o, claimed } = ctx;
  add('declares known feature names, each once, the same on every call', [], async () => {
    const known: string[] = Object.values(PUBSUB_FEATURE);
    for (const f of claimed) expect(known).toContain(f);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...(await ctx.open()).features()]).toEqual(claimed);
    if (o.expectedFeatures) expect([...claimed].sort()).toEqual([...o.expectedFeatures].sort());
  });

  add('has bulkPublish() exactly when it claims BULK_PUBSUB', [], async () => {
    const ps = await ctx.open();
    if (claimed.includes(PUBSUB_FEATURE.BULK_PUBSUB)) {
      expect(typeof ps.bulkPublish).toBe('function');
      return;
    }
    if (typeof ps.bulkPublish !== 'function') return;
    await expect(ps.bulkPublish({ topic: ctx.topic('unclaimed-bulk'), entries: [{ entryId: '1', data: Buffer.from('x') }] })).rejects.toThrow();
  });
}

function recorder(verdict?: (msg: ContractMessage, attempt: number) => ContractHandlerResult | Promise<ContractHandlerResult>): Recorder {
  const messages: ContractMessage[] = [];
  const attempts = new Map<string, number>();
  return {
    messages,
    texts: () => messages.map((m) => m.data.toString('utf8')),
    handler: async (msg) => {
      messages.push(msg);
      const text = msg.data.toString('utf8');
      const attempt = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, attempt);
      return verdict ? verdict(msg, attempt) : 'success';
    },
  };
}

async function poll(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

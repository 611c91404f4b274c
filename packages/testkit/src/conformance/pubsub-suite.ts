/**
 * @module conformance/pubsub-suite
 * What the pub/sub suites share: the options a broker's file passes, the context the case files
 * get, and small assertion helpers.
 */
import { waitFor } from '../wait';
import type { PubSubTopology, PubSubTopologyOptions, Subscriber } from './pubsub-topology';

export interface PubSubConformanceOptions extends PubSubTopologyOptions {
  /** The component type, e.g. `pubsub.sqlite` (checked in /v1.0/metadata by the init case). */
  componentType: string;
  /** components-contrib `checkInOrderProcessing` (off for Redis streams). */
  checkInOrder: boolean;
  /**
   * What the broker does with a message the runtime still fails after its 5 attempts when the
   * subscription has no dead-letter topic: drop it (pubsub.in-memory) or keep redelivering it.
   */
  afterExhaustion: 'dropped' | 'redelivered';
  /** A window longer than the broker's slowest redelivery: "never redelivered" is checked over it. */
  quietMs: number;
  /** Deadline for an expected set of deliveries (default 30 s, as Dapr's e2e tests). */
  deliveryTimeoutMs?: number;
  /** Case title → reason: the case is registered as skipped, named "… (known failure: <reason>)". */
  knownFailures?: Record<string, string>;
  /** When set, every case is skipped with this reason (e.g. the backing service is missing). */
  skipAll?: string;
  /** Unique id of this run (default: random); every topic is named `conf-<runId>-<name>`. */
  runId?: string;
}

/** What the contract cases share with the runner. */
export interface SuiteContext {
  o: PubSubConformanceOptions;
  run: string;
  topic(name: string): string;
  topology: PubSubTopology;
  main(): Subscriber;
  addCase(title: string, fn: () => Promise<void>, skipReason?: string): void;
  deadline: number;
}

/** components-contrib's defaults: 10 messages per topic. */
export const MESSAGE_COUNT = 10;

/** Waits until `routes` have had no delivery for `ms` (a fixed window: only used for "no more" checks). */
export async function quiet(sub: Subscriber, routes: string[], ms: number, timeoutMs = 60000): Promise<void> {
  await waitFor(`${ms} ms without deliveries on ${routes.join(', ')}`, () => {
    const last = Math.max(0, ...sub.app.deliveries.filter((d) => routes.includes(d.route)).map((d) => d.at));
    return Date.now() - last >= ms;
  }, { timeoutMs, intervalMs: 50 });
}

export const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

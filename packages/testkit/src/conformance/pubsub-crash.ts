/**
 * @module conformance/pubsub-crash
 * At-least-once across a crash (targets.md item 11): publish messages through a publisher sidecar,
 * `kill -9` the SUBSCRIBER's sidecar (its whole process group) from inside the app's handler the
 * moment half of them have arrived, start a new sidecar with the same app id and component files,
 * and wait until every message has reached the app (duplicates allowed).
 */
import { killGroup } from '../processes';
import { waitFor } from '../wait';
import { publishAll, PubSubTopology, type PubSubTopologyOptions } from './pubsub-topology';

/** Messages published when CrashScenarioOptions.messages is not given. */
export const DEFAULT_CRASH_MESSAGES = 1000;
/** CrashScenarioOptions.deadlineMs when not given. */
export const DEFAULT_CRASH_DEADLINE_MS = 90000;

export interface CrashScenarioOptions extends PubSubTopologyOptions {
  topic: string;
  /** Messages to publish (default 1000). */
  messages?: number;
  /** Distinct messages delivered when the sidecar is killed (default: half). */
  killAt?: number;
  /** Deadline from the first publish until every message has arrived (default 90 s). */
  deadlineMs?: number;
  /** Subscriber app id (default `crash-subscriber`). */
  appId?: string;
}

export interface CrashScenarioResult {
  published: number;
  /** Distinct messages the app had received when the kill was sent. */
  deliveredBeforeKill: number;
  /** How the killed sidecar exited (signal SIGKILL expected). */
  killedExit: { code: number | null; signal: NodeJS.Signals | null };
  /** Distinct messages received in the end, and deliveries beyond one per message. */
  distinct: number;
  duplicates: number;
  /** Keys published but never received (empty on success). */
  missing: string[];
  elapsedMs: number;
}

export async function runCrashScenario(o: CrashScenarioOptions): Promise<CrashScenarioResult> {
  const total = o.messages ?? DEFAULT_CRASH_MESSAGES;
  const killAt = o.killAt ?? Math.floor(total / 2);
  const topology = new PubSubTopology(o);
  const keys = Array.from({ length: total }, (_, i) => `crash-${i}`);
  const seen = new Set<string>();
  let deliveries = 0;
  let killedAt: number | undefined;
  try {
    const sub = await topology.subscriber(o.appId ?? 'crash-subscriber', [{ pubsubname: o.pubsubName, topic: o.topic, route: '/crash' }]);
    const first = sub.sidecar;
    sub.app.on('/crash', (d) => {
      deliveries++;
      seen.add(d.key);
      if (killedAt === undefined && seen.size >= killAt) {
        killedAt = seen.size;
        killGroup(first.process.pid, 'SIGKILL');
      }
      return 'success';
    });
    const url = await topology.publishUrl(sub);
    const started = Date.now();
    const deadline = o.deadlineMs ?? DEFAULT_CRASH_DEADLINE_MS;
    await publishAll(url, o.pubsubName, o.topic, keys.map((key) => ({ key })), { concurrency: 8 });
    await waitFor(`${killAt} deliveries before the kill (so far ${seen.size})`, () => killedAt !== undefined, { timeoutMs: deadline });
    const killedExit = await first.process.exited;
    await topology.restart(sub);
    const left = Math.max(1000, deadline - (Date.now() - started));
    await waitFor(`all ${total} messages after the restart (so far ${seen.size})`, () => seen.size >= total, { timeoutMs: left }).catch(() => undefined);
    return {
      published: total,
      deliveredBeforeKill: killedAt ?? 0,
      killedExit,
      distinct: seen.size,
      duplicates: deliveries - seen.size,
      missing: keys.filter((k) => !seen.has(k)),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await topology.stop();
  }
}

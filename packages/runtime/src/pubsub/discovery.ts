/**
 * @module pubsub/discovery
 * Programmatic subscriptions: `GET /dapr/subscribe` on the app once its port is open. v1 items use
 * `route`, v2 items `routes: {rules, default}` (default beats route); field names are matched as Go
 * decodes them (case-insensitive, `pubsubName` = `pubsubname`). 404, an empty or non-JSON body
 * means no subscriptions; a bad item is dropped with a warning (the app is already running, so it
 * cannot fail start-up).
 */
import http from 'node:http';
import https from 'node:https';
import type { AppChannel } from '../invoke/app-channel';
import type { Logger } from '../logger';
import { buildSubscription, isRawRecord, subscriptionFields, SubscriptionError, type Subscription } from './subscriptions';

export const SUBSCRIBE_PATH = '/dapr/subscribe';
/** Transport failures are retried a few times (the app may still be wiring its routes). */
const DISCOVERY_DELAYS_MS = [200, 500, 1000];
/** An app that never answers must not hold readiness forever. */
const DISCOVERY_TIMEOUT_MS = 5000;

class DiscoveryTimeout extends Error {}

/** Parses the body of GET /dapr/subscribe; `warn` receives every dropped item. */
export function parseProgrammatic(body: string, warn: (msg: string) => void): Subscription[] {
  if (body.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    warn(`${SUBSCRIBE_PATH} did not answer JSON; no programmatic subscriptions`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    warn(`${SUBSCRIBE_PATH} must answer a JSON array; no programmatic subscriptions`);
    return [];
  }
  const out: Subscription[] = [];
  parsed.forEach((item: unknown, i) => {
    const source = `${SUBSCRIBE_PATH} item ${i}`;
    if (!isRawRecord(item)) {
      warn(`${source}: not an object; dropped`);
      return;
    }
    try {
      const fields = subscriptionFields(item);
      const sub = buildSubscription(fields, 'PROGRAMMATIC', source);
      if (sub) out.push(sub);
      else warn(`${source}: topic "${String(fields.topic)}" has neither "route" nor "routes"; dropped`);
    } catch (err) {
      if (!(err instanceof SubscriptionError)) throw err;
      warn(`${err.message}; dropped`);
    }
  });
  return out;
}

interface Fetched {
  status: number;
  body: string;
}

function get(channel: AppChannel, path: string): Promise<Fetched> {
  const t = channel.target;
  const request = t.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: t.protocol,
        host: t.host,
        port: t.port,
        agent: t.agent,
        method: 'GET',
        path,
        headers: channel.decorate({ 'content-type': 'application/json' }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(DISCOVERY_TIMEOUT_MS, () => req.destroy(new DiscoveryTimeout(`no answer within ${DISCOVERY_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Asks the app for its subscriptions; never throws. */
export async function discoverSubscriptions(channel: AppChannel, logger: Logger, signal?: AbortSignal): Promise<Subscription[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await get(channel, SUBSCRIBE_PATH);
      if (res.status === 404) return [];
      if (res.status < 200 || res.status > 299) {
        logger.warn(`${SUBSCRIBE_PATH} answered ${res.status}; no programmatic subscriptions`);
        return [];
      }
      return parseProgrammatic(res.body, (m) => logger.warn(m));
    } catch (err) {
      const delay = DISCOVERY_DELAYS_MS[attempt];
      if (delay === undefined || signal?.aborted || err instanceof DiscoveryTimeout) {
        logger.warn({ err }, `${SUBSCRIBE_PATH} failed; no programmatic subscriptions`);
        return [];
      }
      await new Promise((r) => setTimeout(r, delay).unref());
    }
  }
}

/** ListTopicSubscriptionsResponse.subscriptions[] as proto-loader decodes it (camelCase, defaults set). */
export interface TopicSubscriptionPb {
  pubsubName: string;
  topic: string;
  metadata: Record<string, string>;
  routes: { rules: Array<{ match: string; path: string }>; default: string } | null;
  deadLetterTopic: string;
  bulkSubscribe: { enabled: boolean; maxMessagesCount: number; maxAwaitDurationMs: number } | null;
}

export const LIST_TOPIC_SUBSCRIPTIONS = 'ListTopicSubscriptions';

/**
 * A gRPC app's subscriptions (daprd GetSubscriptionsGRPC): `routes.rules` in order, then
 * `routes.default`; no routes at all, or neither rules nor default, make one catch-all rule with
 * an empty path (gRPC apps dispatch on the path they get, "" included). A bad item is dropped
 * with a warning, as for HTTP apps.
 */
export function subscriptionsFromGrpc(items: readonly TopicSubscriptionPb[], warn: (msg: string) => void): Subscription[] {
  const out: Subscription[] = [];
  items.forEach((item, i) => {
    const source = `${LIST_TOPIC_SUBSCRIPTIONS} item ${i}`;
    const routes = item.routes ?? { rules: [], default: '' };
    const fields = {
      pubsubname: item.pubsubName,
      topic: item.topic,
      routes: { rules: routes.rules.map((r) => ({ match: r.match, path: r.path })), default: routes.default },
      deadLetterTopic: item.deadLetterTopic,
      metadata: item.metadata,
      bulkSubscribe: item.bulkSubscribe ?? undefined,
    };
    try {
      const sub = buildSubscription(fields, 'PROGRAMMATIC', source);
      if (sub) {
        out.push(sub);
        return;
      }
      // No rule and no default: daprd gives gRPC apps one catch-all rule with an empty path.
      const catchAll = buildSubscription({ ...fields, routes: { rules: [], default: '/' } }, 'PROGRAMMATIC', source) as Subscription;
      catchAll.rules = catchAll.rules.map((r) => ({ ...r, path: '' }));
      out.push(catchAll);
    } catch (err) {
      if (!(err instanceof SubscriptionError)) throw err;
      warn(`${err.message}; dropped`);
    }
  });
  return out;
}

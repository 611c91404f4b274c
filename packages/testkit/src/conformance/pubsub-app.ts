/**
 * @module conformance/pubsub-app
 * The subscriber side of the pub/sub suites: a real HTTP app that answers `GET /dapr/subscribe`
 * with the subscriptions it was given, records every delivery per route, and answers each one as
 * its route's behaviour says (success, empty body, RETRY, 500, DROP, 404, …). Messages are told
 * apart by a key carried in the CloudEvent data (`{"key": …}`, a plain string, or the same inside
 * `data_base64` for raw-payload subscriptions).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { startApp, type TestApp } from '../apps';

/** How the app answers one delivery (the subscriber contract of dapr-http-api.md §6.5). */
export type Behaviour = 'success' | 'empty' | 'emptyJson' | 'text' | 'retry' | 'invalid' | 'error' | 'drop' | 'notFound';

/** Answers the runtime must treat as a successful delivery (acknowledged, never redelivered). */
export const SUCCESS_BEHAVIOURS: readonly Behaviour[] = ['success', 'empty', 'emptyJson', 'text'];

const REPLIES: Record<Behaviour, { status: number; body: string; json: boolean }> = {
  success: { status: 200, body: '{"status":"SUCCESS"}', json: true },
  empty: { status: 200, body: '', json: false },
  emptyJson: { status: 200, body: '{}', json: true },
  text: { status: 200, body: 'OK', json: false },
  retry: { status: 200, body: '{"status":"RETRY"}', json: true },
  invalid: { status: 200, body: '{"status":"INVALID"}', json: true },
  error: { status: 500, body: 'simulated subscriber error', json: false },
  drop: { status: 200, body: '{"status":"DROP"}', json: true },
  notFound: { status: 404, body: '', json: false },
};

export interface Delivery {
  route: string;
  key: string;
  /** 1 for the first delivery of this key on this route, 2 for the first redelivery, … */
  attempt: number;
  event: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  behaviour: Behaviour;
  at: number;
}

/** Decides the answer for one delivery; may wait (e.g. to let messages pile up). */
export type RouteHandler = (d: Omit<Delivery, 'behaviour' | 'at'>) => Behaviour | Promise<Behaviour>;

/** The key of a delivered CloudEvent: data.key, a string data, or the same decoded from data_base64. */
export function messageKey(event: Record<string, unknown>): string | undefined {
  let data: unknown = event.data;
  if (data === undefined && typeof event.data_base64 === 'string') {
    const text = Buffer.from(event.data_base64, 'base64').toString('utf8');
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (typeof data === 'string') return data;
  if (data !== null && typeof data === 'object' && 'key' in data) return String((data as { key: unknown }).key);
  return undefined;
}

export class SubscriberApp {
  readonly deliveries: Delivery[] = [];
  /** Requests the app could not decode (no key): kept so a test can assert there were none. */
  readonly undecodable: Array<{ route: string; body: string }> = [];
  /** Bulk deliveries received: their route and number of entries. */
  readonly batches: Array<{ route: string; size: number }> = [];
  private readonly handlers = new Map<string, RouteHandler>();
  private readonly attempts = new Map<string, number>();

  private constructor(
    private readonly app: TestApp,
    private subscriptions: unknown[],
  ) {}

  /** Starts the app; `subscriptions` is what GET /dapr/subscribe returns (routes like `/orders`). */
  static async start(subscriptions: unknown[], port = 0): Promise<SubscriberApp> {
    const ref: { self?: SubscriberApp } = {};
    const app = await startApp(async (r) => (ref.self ? ref.self.answer(r.method, r.url, r.headers, r.body) : { status: 503 }), port);
    ref.self = new SubscriberApp(app, subscriptions);
    return ref.self;
  }

  get port(): number {
    return this.app.port;
  }

  /** Sets how a route answers (default: `success`). */
  on(route: string, handler: RouteHandler | Behaviour): void {
    this.handlers.set(route, typeof handler === 'string' ? () => handler : handler);
  }

  setSubscriptions(subscriptions: unknown[]): void {
    this.subscriptions = subscriptions;
  }

  /** Every delivery on a route, in arrival order (answered or not yet). */
  delivered(route: string): Delivery[] {
    return this.deliveries.filter((d) => d.route === route);
  }

  /** Keys delivered on a route (with duplicates, in arrival order). */
  keys(route: string): string[] {
    return this.delivered(route).map((d) => d.key);
  }

  /** Distinct keys the app acknowledged as a success on a route. */
  succeeded(route: string): Set<string> {
    return new Set(this.delivered(route).filter((d) => SUCCESS_BEHAVIOURS.includes(d.behaviour)).map((d) => d.key));
  }

  /** How many times a key was delivered on a route. */
  attemptsOf(route: string, key: string): number {
    return this.attempts.get(`${route}\n${key}`) ?? 0;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  private async answer(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers?: Record<string, string>; body?: string }> {
    const route = url.split('?')[0] as string;
    if (method === 'GET' && route === '/dapr/subscribe') {
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.subscriptions) };
    }
    if (method !== 'POST') return { status: 405 };
    let event: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) event = parsed as Record<string, unknown>;
    } catch {
      event = undefined;
    }
    if (event && event.type === 'com.dapr.event.sent.bulk' && Array.isArray(event.entries)) return this.answerBulk(route, event.entries, headers);
    const key = event ? messageKey(event) : undefined;
    if (!event || key === undefined) {
      this.undecodable.push({ route, body: body.toString('utf8') });
      return { status: 200, body: '' };
    }
    const reply = REPLIES[await this.handle(route, key, event, headers)];
    return { status: reply.status, headers: reply.json ? { 'content-type': 'application/json' } : {}, body: reply.body };
  }

  /** Runs the route's handler for one message and records the delivery. */
  private async handle(route: string, key: string, event: Record<string, unknown>, headers: IncomingHttpHeaders): Promise<Behaviour> {
    const id = `${route}\n${key}`;
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    const partial = { route, key, attempt, event, headers };
    const handler = this.handlers.get(route);
    const behaviour = handler ? await handler(partial) : 'success';
    this.deliveries.push({ ...partial, behaviour, at: Date.now() });
    return behaviour;
  }

  /** A bulk delivery (dapr-http-api.md 6.6): each entry is handled as one message; per-entry statuses. */
  private async answerBulk(route: string, entries: unknown[], headers: IncomingHttpHeaders): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    this.batches.push({ route, size: entries.length });
    const statuses = await Promise.all(
      entries.map(async (raw) => {
        const entry = (raw ?? {}) as { entryId?: unknown; event?: unknown };
        const event = entry.event !== null && typeof entry.event === 'object' ? (entry.event as Record<string, unknown>) : { data: entry.event };
        const key = messageKey(event);
        if (key === undefined) {
          this.undecodable.push({ route, body: JSON.stringify(raw) });
          return { entryId: entry.entryId, status: 'SUCCESS' };
        }
        const behaviour = await this.handle(route, key, event, headers);
        const status = SUCCESS_BEHAVIOURS.includes(behaviour) ? 'SUCCESS' : behaviour === 'drop' || behaviour === 'notFound' ? 'DROP' : 'RETRY';
        return { entryId: entry.entryId, status };
      }),
    );
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statuses }) };
  }
}

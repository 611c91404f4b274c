/**
 * @module conformance/pubsub-topology
 * Publishers and subscribers for the pub/sub suites and crash tests: each subscriber is a real
 * SubscriberApp behind its own sidecar (its own app id); publishes go through a separate publisher
 * sidecar, or, for a broker that lives inside one process (pubsub.in-memory), through the
 * subscriber's own sidecar.
 */
import { startSidecar, type Sidecar } from '../sidecar';
import { SubscriberApp } from './pubsub-app';

export interface PubSubTopologyOptions {
  /** The component name (`metadata.name`) in the resources. */
  pubsubName: string;
  /** Component files for a sidecar with this app id (e.g. a consumerID derived from it). */
  resources: (appId: string) => Record<string, string>;
  /** The broker lives inside each sidecar process: publish through the subscriber's sidecar. */
  perProcessBroker?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Subscriber {
  appId: string;
  app: SubscriberApp;
  sidecar: Sidecar;
}

export interface PublishOptions {
  /** Defaults to application/json for non-strings and text/plain for strings. */
  contentType?: string;
  /** Sent as `?metadata.<k>=<v>`. */
  metadata?: Record<string, string>;
}

/** `POST /v1.0/publish/{pubsub}/{topic}`; returns the status and body text. */
export async function publish(url: string, pubsubName: string, topic: string, body: unknown, o: PublishOptions = {}): Promise<{ status: number; text: string }> {
  const query = Object.entries(o.metadata ?? {})
    .map(([k, v]) => `metadata.${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const isText = typeof body === 'string';
  const res = await fetch(`${url}/v1.0/publish/${encodeURIComponent(pubsubName)}/${encodeURIComponent(topic)}${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': o.contentType ?? (isText ? 'text/plain' : 'application/json') },
    body: isText ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** Publishes every body (at most `concurrency` at a time, in order of start); throws on any non-204. */
export async function publishAll(url: string, pubsubName: string, topic: string, bodies: unknown[], o: PublishOptions & { concurrency?: number } = {}): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const i = next++;
      const r = await publish(url, pubsubName, topic, bodies[i], o);
      if (r.status !== 204) throw new Error(`publishing message ${i} to ${topic} answered ${r.status}: ${r.text}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 1, bodies.length)) }, worker));
}

export class PubSubTopology {
  private readonly subscribers: Subscriber[] = [];
  private publisher?: Promise<Sidecar>;

  constructor(readonly o: PubSubTopologyOptions) {}

  /** Starts an app with these subscriptions, then its sidecar (which subscribes before it reports healthy). */
  async subscriber(appId: string, subscriptions: unknown[]): Promise<Subscriber> {
    const app = await SubscriberApp.start(subscriptions);
    try {
      const sidecar = await this.sidecarFor(appId, app.port);
      const sub = { appId, app, sidecar };
      this.subscribers.push(sub);
      return sub;
    } catch (err) {
      await app.close();
      throw err;
    }
  }

  /** A new sidecar for the same app id, app and component configuration (after a stop or a kill). */
  async restart(sub: Subscriber): Promise<void> {
    await sub.sidecar.stop();
    sub.sidecar = await this.sidecarFor(sub.appId, sub.app.port);
  }

  /** Where to publish a topic that `owner` subscribes to. */
  async publishUrl(owner: Subscriber): Promise<string> {
    if (this.o.perProcessBroker) return owner.sidecar.url;
    this.publisher ??= startSidecar({ appId: 'pubsub-publisher', resources: this.o.resources('pubsub-publisher'), env: this.o.env });
    return (await this.publisher).url;
  }

  /** Stops every sidecar (subscribers' first) and app this topology started. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.subscribers.map((s) => s.sidecar.stop()));
    await Promise.allSettled(this.subscribers.map((s) => s.app.close()));
    const pub = this.publisher;
    this.publisher = undefined;
    if (pub) await pub.then((s) => s.stop()).catch(() => undefined);
  }

  private sidecarFor(appId: string, appPort: number): Promise<Sidecar> {
    return startSidecar({ appId, appPort, resources: this.o.resources(appId), env: this.o.env, timeoutMs: 20000 });
  }
}

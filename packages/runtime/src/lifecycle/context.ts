/**
 * @module lifecycle/context
 * The runtime as an ordered list of parts. Each part starts after the ones before it and stops
 * before them (reverse order). Parts share one RuntimeContext: what a part sets up (the loaded
 * configuration, mTLS, the servers' ports…) later parts read from it.
 *
 * The parts up to the first `background` one make up start(); from that one on (waiting for the
 * app, then what needs the app) they run after start() has returned, and give up once stop()
 * begins. A start that fails stops the parts already started (grace 0) and rethrows.
 *
 * Stopping: a part that takes work in (a server, subscriptions, input bindings) stops taking it
 * and hands its drain to `ctx.drain()`, so all drains run in parallel within one grace period;
 * parts that own what in-flight work uses (outbound channels, components) await `ctx.drained()`
 * before closing it.
 */
import type { RequestListener, Server } from 'node:http';
import type { AccessControlList } from '../acl/policy';
import type { AppCallbacks } from '../app-channel/types';
import type { InputBindings } from '../bindings/input';
import type { Registry } from '../components/registry';
import type { RuntimeConfiguration } from '../config/configuration';
import type { ComponentStore } from '../components/store';
import type { AppChannel } from '../invoke/app-channel';
import type { AppHealth } from '../invoke/app-health';
import type { DirectMessaging } from '../invoke/direct-messaging';
import type { Logger } from '../logger';
import type { HttpMetrics } from '../metrics/metrics';
import type { InstanceInfo, NameResolver } from '../nameresolution';
import type { RuntimeOptions } from '../options';
import type { Deliveries } from '../pubsub/delivery';
import type { StreamingSubscriptions } from '../pubsub/streaming';
import type { Subscription } from '../pubsub/subscriptions';
import type { Mtls } from '../security/mtls';
import type { AppDeps, HealthState, MetadataState } from '../server/deps';
import type { RequestGuard } from '../server/request-guard';
import type { ResiliencyMetrics } from '../resiliency/metrics';
import type { Resiliency } from '../resiliency/resiliency';

export interface RuntimeContext {
  readonly options: RuntimeOptions;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly registry: Registry;
  readonly store: ComponentStore;
  readonly health: HealthState;
  readonly metadata: MetadataState;
  readonly metrics?: HttpMetrics;
  /** dapr_resiliency_* on the metrics registry (metrics enabled only). */
  readonly resiliencyMetrics?: ResiliencyMetrics;
  readonly appChannel?: AppChannel;
  /** The public API's dependencies (some fields are filled by the configuration part). */
  readonly deps: AppDeps;
  /** The public API request listener. */
  readonly app: RequestListener;
  readonly guard: RequestGuard;
  readonly timeouts: { headersTimeoutMs: number; bodyIdleTimeoutMs: number };
  readonly startedAt: number;
  /** Aborted when stop() begins. */
  readonly signal: AbortSignal;
  /** How long stopping parts let in-flight work finish (0 when cleaning up after a failed start). */
  graceMs: number;
  config?: RuntimeConfiguration;
  mtls?: Mtls;
  accessControl?: AccessControlList;
  resolver: NameResolver;
  directMessaging: DirectMessaging;
  declarativeSubs: Subscription[];
  /** The loaded Resiliency resources (set by the components part; Resiliency.none() before). */
  resiliency: Resiliency;
  deliveries?: Deliveries;
  inputBindings?: InputBindings;
  appHealth?: AppHealth;
  instance?: InstanceInfo;
  /** The app side, whatever the app's protocol (P4 wires it). */
  appCallbacks?: AppCallbacks;
  /** Streaming subscriptions of the gRPC API (set by the gRPC part). */
  streaming?: StreamingSubscriptions;
  ports: { http: number; internal: number; grpc: number; metrics?: number };
  /** Registers in-flight work a stopping part lets finish. */
  drain(p: Promise<unknown>): void;
  /** Resolves once every registered drain has settled. */
  drained(): Promise<void>;
}

export interface LifecyclePart {
  readonly name: string;
  /** This part and every later one start after start() has returned (they need the app). */
  readonly background?: boolean;
  start(ctx: RuntimeContext): Promise<void> | void;
  stop(ctx: RuntimeContext): Promise<void> | void;
}

/** Runs the parts: start() in order, stop() in reverse over the parts that were started. */
export class Lifecycle {
  private readonly started: LifecyclePart[] = [];

  constructor(
    private readonly parts: readonly LifecyclePart[],
    private readonly ctx: RuntimeContext,
  ) {}

  async start(): Promise<void> {
    const split = this.parts.findIndex((p) => p.background);
    const now = split < 0 ? this.parts : this.parts.slice(0, split);
    const later = split < 0 ? [] : this.parts.slice(split);
    for (const part of now) {
      this.started.push(part);
      try {
        await part.start(this.ctx);
      } catch (err) {
        this.ctx.graceMs = 0;
        await this.stop();
        throw err;
      }
    }
    void this.startLater(later);
  }

  private async startLater(parts: readonly LifecyclePart[]): Promise<void> {
    for (const part of parts) {
      if (this.ctx.signal.aborted) return;
      this.started.push(part);
      try {
        await part.start(this.ctx);
      } catch (err) {
        this.ctx.logger.error({ err }, `starting ${part.name} failed`);
        return;
      }
    }
  }

  /** Stops the started parts in reverse order (a failing stop is logged, the others still run). */
  async stop(): Promise<void> {
    for (const part of this.started.splice(0).reverse()) {
      try {
        await part.stop(this.ctx);
      } catch (err) {
        this.ctx.logger.error({ err }, `stopping ${part.name} failed`);
      }
    }
  }
}

/** Stop accepting, let in-flight requests finish up to the grace period, then cut what is left. */
export async function closeServers(servers: readonly Server[], graceMs: number): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => s.closeAllConnections(), graceMs);
          s.close(() => {
            clearTimeout(timer);
            resolve();
          });
          s.closeIdleConnections();
        }),
    ),
  );
}

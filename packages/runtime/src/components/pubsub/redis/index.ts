/**
 * @module components/pubsub/redis
 * pubsub.redis: Dapr's Redis Streams broker, wire-compatible with daprd's (components-contrib
 * pubsub/redis). A topic is a stream; publish is `XADD <topic> [MAXLEN ~ n | MINID ~ t] * data
 * <envelope> [metadata <json>]`; each consumerID (default: the app id) is a consumer group created
 * from `0`, so every app id gets every message and the replicas of one app id share them. Each
 * process reads as its own consumer (`<consumerID>-<uuid>`), so replicas compete and the entries a
 * crashed process held are claimed by the pending scan (see subscription.ts). Delivery is
 * at-least-once.
 *
 * While Redis is down a publish fails at once with a clear error (no offline queue); the read loops
 * retry, and everything recovers by itself when Redis is back (a group lost with Redis's data is
 * recreated).
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { closeRedis, connectRedis, describeRedisError, redisClientOptions, watchRedisConnection } from '../../redis-connection';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest } from '../contract';
import { ensureGroup } from './group';
import { COMPONENT, parseRedisPubSubMetadata, type RedisPubSubConfig } from './metadata';
import { WorkerPool } from './pool';
import { StreamSubscription } from './subscription';

export { parseRedisPubSubMetadata, REDIS_PUBSUB_METADATA } from './metadata';

/** Longest close() / unsubscribe waits for running handlers (also bounded by processingTimeout). */
const CLOSE_GRACE_MS = 5000;
/** XREADGROUP BLOCK: how long one read waits for new entries before asking again. */
const BLOCK_MS = 2000;
const FEATURES: readonly string[] = [];

export class RedisStreamsPubSub implements PubSub {
  private client?: Redis;
  private cfg?: RedisPubSubConfig;
  private pool?: WorkerPool;
  private consumer = '';
  private readonly subs = new Set<StreamSubscription>();

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    const cfg = parseRedisPubSubMetadata(metadata, ctx.appId);
    const client = await connectRedis(cfg.connection, 'redis streams');
    watchRedisConnection(client, cfg.connection, this.logger);
    this.cfg = cfg;
    this.client = client;
    this.pool = new WorkerPool(cfg.concurrency);
    this.consumer = `${cfg.consumerID}-${randomUUID()}`;
    this.logger.debug(`${COMPONENT} connected to ${cfg.connection.address} (consumer group ${cfg.consumerID}, consumer ${this.consumer})`);
  }

  async close(): Promise<void> {
    const client = this.client;
    const cfg = this.cfg;
    if (!client || !cfg) return;
    this.client = undefined;
    this.cfg = undefined;
    const subs = [...this.subs];
    this.subs.clear();
    await Promise.all(subs.map((s) => s.stop(graceMs(cfg))));
    await closeRedis(client);
  }

  features(): readonly string[] {
    return FEATURES;
  }

  async publish(req: PublishRequest): Promise<void> {
    const { client, cfg } = this.ready();
    const args: Array<string | Buffer | number> = [req.topic];
    if (cfg.maxLenApprox > 0) args.push('MAXLEN', '~', cfg.maxLenApprox);
    else if (cfg.streamTTLMs > 0) args.push('MINID', '~', Date.now() - cfg.streamTTLMs);
    args.push('*', 'data', req.data);
    if (req.metadata && Object.keys(req.metadata).length > 0) args.push('metadata', JSON.stringify(req.metadata));
    try {
      await client.call('XADD', ...args);
    } catch (err) {
      throw new Error(`redis streams: error from publish: ${describeRedisError(client, cfg.connection, err).message}`, { cause: err });
    }
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<() => Promise<void>> {
    const { client, cfg, pool } = this.ready();
    try {
      await ensureGroup(client, req.topic, cfg.consumerID);
    } catch (err) {
      const d = describeRedisError(client, cfg.connection, err);
      if (!d.down) throw new Error(`redis streams: cannot create consumer group ${cfg.consumerID} on stream ${req.topic}: ${d.message}`, { cause: err });
      // Redis is away: the read loop creates the group once it is back.
      this.logger.warn({ topic: req.topic }, `redis streams: ${d.message}; subscribing to ${req.topic} anyway`);
    }
    const sub = new StreamSubscription(
      client,
      this.newReader(cfg),
      pool,
      {
        topic: req.topic,
        group: cfg.consumerID,
        consumer: this.consumer,
        queueDepth: cfg.queueDepth,
        blockMs: BLOCK_MS,
        processingTimeoutMs: cfg.processingTimeoutMs,
        redeliverIntervalMs: cfg.redeliverIntervalMs,
      },
      handler,
      this.logger,
    );
    this.subs.add(sub);
    sub.start();
    return async () => {
      if (!this.subs.delete(sub)) return;
      await sub.stop(graceMs(cfg));
    };
  }

  /** A connection of its own for the blocking reads; its timeout allows for the BLOCK time. */
  private newReader(cfg: RedisPubSubConfig): Redis {
    const reader = new Redis(
      redisClientOptions(cfg.connection, {
        commandTimeout: cfg.connection.commandTimeoutMs + BLOCK_MS,
        // A read in flight when the connection drops fails at once (the loop reads again after the
        // reconnect), instead of lingering until commandTimeout.
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        connectionName: this.consumer,
      }),
    );
    // The main client logs connection loss; an 'error' listener is still needed on this one.
    reader.on('error', (err: Error) => this.logger.debug({ err: err.message }, `${COMPONENT} reader connection error`));
    reader.connect().catch(() => undefined);
    return reader;
  }

  private ready(): { client: Redis; cfg: RedisPubSubConfig; pool: WorkerPool } {
    if (!this.client || !this.cfg || !this.pool) throw new Error(`${COMPONENT} used before init() or after close() (programming error)`);
    return { client: this.client, cfg: this.cfg, pool: this.pool };
  }
}

function graceMs(cfg: RedisPubSubConfig): number {
  return cfg.processingTimeoutMs > 0 ? Math.min(CLOSE_GRACE_MS, cfg.processingTimeoutMs) : CLOSE_GRACE_MS;
}

export function createRedisPubSub(ctx: FactoryContext): RedisStreamsPubSub {
  return new RedisStreamsPubSub(ctx.logger);
}

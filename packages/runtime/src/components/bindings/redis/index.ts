/**
 * @module components/bindings/redis
 * bindings.redis, an output binding with Dapr's operations on plain string keys (request metadata
 * `key`, required by every operation):
 * - `create`: SET key data (with EX when request metadata `ttlInSeconds` is set) → no data;
 * - `get`: GET key, or GETDEL when request metadata `delete` is "true" → the bytes; a missing key
 *   answers an empty body (200), as in Dapr;
 * - `delete`: DEL key → no data;
 * - `increment`: INCR key (then EXPIRE when `ttlInSeconds` is set) → no data.
 * Upstream: components-contrib bindings/redis/redis.go (which sets the TTL with a separate EXPIRE;
 * here SET … EX is one atomic command).
 */
import type Redis from 'ioredis';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../contract';
import { closeRedis, connectRedis, describeRedisError, watchRedisConnection, type RedisConnectionSettings } from '../../redis-connection';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import { parseRedisBindingMetadata, requestTtlSeconds } from './metadata';

const OPERATIONS = ['create', 'delete', 'get', 'increment'] as const;

export class RedisBinding implements OutputBinding {
  private client?: Redis;
  private settings?: RedisConnectionSettings;

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, _ctx?: InitContext): Promise<void> {
    const settings = parseRedisBindingMetadata(metadata);
    const client = await connectRedis(settings, 'redis binding');
    watchRedisConnection(client, settings, this.logger);
    this.settings = settings;
    this.client = client;
  }

  operations(): readonly string[] {
    return OPERATIONS;
  }

  features(): readonly string[] {
    return [];
  }

  async invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    const key = req.metadata.key;
    if (key === undefined || key === '') throw new Error('redis binding: missing key in request metadata');
    const client = this.client;
    if (!client) throw new Error('redis binding: the component is closed');
    try {
      switch (req.operation) {
        case 'create': {
          const ttl = requestTtlSeconds(req.metadata);
          if (ttl === undefined) await client.set(key, req.data);
          else await client.set(key, req.data, 'EX', ttl);
          return undefined;
        }
        case 'get': {
          const data = req.metadata.delete === 'true' ? await client.getdelBuffer(key) : await client.getBuffer(key);
          return { data: data ?? Buffer.alloc(0) };
        }
        case 'delete':
          await client.del(key);
          return undefined;
        case 'increment': {
          const ttl = requestTtlSeconds(req.metadata);
          if (ttl === undefined) await client.incr(key);
          else {
            // A failed command inside MULTI is reported in its result slot, not thrown.
            const failed = (await client.multi().incr(key).expire(key, ttl).exec())?.find(([e]) => e)?.[0];
            if (failed) throw failed;
          }
          return undefined;
        }
        default:
          throw new Error(`invalid operation type: ${req.operation}`);
      }
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (message.startsWith('invalid operation type') || message.startsWith('ttlInSeconds')) throw err;
      throw new Error(`redis binding: ${describeRedisError(client, this.settings, err).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await closeRedis(client);
  }
}

export function createRedisBinding(ctx: FactoryContext): RedisBinding {
  return new RedisBinding(ctx.logger);
}

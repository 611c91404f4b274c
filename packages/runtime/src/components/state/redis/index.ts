/**
 * @module components/state/redis
 * state.redis: Dapr's Redis wire format, so a Redis shared with daprd reads the same keys. Each key
 * is a hash with `data` (the value bytes) and `version` (the integer ETag, +1 per write, from 1);
 * a write under first-write also sets the `first-write` marker field, and a marked key then refuses
 * writes without an ETag (as daprd does). TTL is EXPIRE / PERSIST. Every write (set, delete and
 * multi) is one Lua script that checks all ETags before changing anything, so it is atomic.
 *
 * Deliberately stricter than daprd, to match the state contract every store here follows: an ETag
 * on a missing key is a mismatch (daprd creates the key), first-write without an ETag fails on any
 * existing key (daprd only on marked ones), and an overwrite without ttlInSeconds drops an old TTL.
 *
 * While Redis is down, commands fail at once (no offline queue) and ioredis reconnects in the
 * background; the store recovers by itself when Redis returns.
 */
import type Redis from 'ioredis';
import { ETagInvalidError, ETagMismatchError } from '../../errors';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import {
  STATE_FEATURES,
  type DeleteRequest,
  type GetRequest,
  type GetResponse,
  type SetRequest,
  type TransactionOperation,
  type TransactionalStateStore,
} from '../contract';
import { closeRedis, connectRedis, describeRedisError, watchRedisConnection } from '../../redis-connection';
import { parseRedisStateMetadata, type RedisStateSettings } from './metadata';
import { GET_SCRIPT, WRITE_SCRIPT } from './scripts';
import { MAX_TTL_SECONDS, parseTtl, TtlError } from '../ttl';

const FEATURES = [STATE_FEATURES.ETAG, STATE_FEATURES.TRANSACTIONAL, STATE_FEATURES.TTL] as const;

interface ScriptedRedis extends Redis {
  minidaprStateGetBuffer(key: string): Promise<[Buffer | null, Buffer | null, number] | null>;
  minidaprStateWrite(numKeys: number, ...args: Array<string | Buffer>): Promise<number>;
}

type WriteOp = { kind: 'set'; key: string; etag: string; firstWrite: boolean; data: Buffer; ttl: number } | { kind: 'del'; key: string; etag: string };

export class RedisStateStore implements TransactionalStateStore {
  private client?: ScriptedRedis;
  private settings?: RedisStateSettings;

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, _ctx?: InitContext): Promise<void> {
    const settings = parseRedisStateMetadata(metadata);
    this.settings = settings;
    const client = (await connectRedis(settings, 'redis store')) as ScriptedRedis;
    client.defineCommand('minidaprStateGet', { numberOfKeys: 1, lua: GET_SCRIPT });
    client.defineCommand('minidaprStateWrite', { lua: WRITE_SCRIPT });
    watchRedisConnection(client, settings, this.logger);
    this.client = client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await closeRedis(client);
  }

  features(): readonly string[] {
    return FEATURES;
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const client = this.ready();
    const reply = await this.call(() => client.minidaprStateGetBuffer(req.key));
    if (!reply) return undefined;
    const [data, version, pttl] = reply;
    if (data === null) throw new Error(`redis store: key ${req.key} has no "data" field`);
    const res: GetResponse = { data };
    if (version !== null) res.etag = version.toString();
    if (pttl > 0) res.metadata = { ttlExpireTime: new Date(Date.now() + pttl).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    return res;
  }

  async set(req: SetRequest): Promise<void> {
    await this.write([this.setOp(req)]);
  }

  async delete(req: DeleteRequest): Promise<void> {
    await this.write([{ kind: 'del', key: req.key, etag: parseETag(req.etag) }]);
  }

  async multi(operations: readonly TransactionOperation[]): Promise<void> {
    // Parse everything first: an invalid ETag or TTL sends nothing to Redis.
    const ops = operations.map((op): WriteOp =>
      op.operation === 'upsert' ? this.setOp(op.request) : { kind: 'del', key: op.request.key, etag: parseETag(op.request.etag) },
    );
    if (ops.length > 0) await this.write(ops);
  }

  private setOp(req: SetRequest): WriteOp {
    return {
      kind: 'set',
      key: req.key,
      etag: parseETag(req.etag),
      firstWrite: req.options?.concurrency === 'first-write',
      data: req.value,
      ttl: this.ttlOf(req.metadata),
    };
  }

  private ttlOf(metadata: Record<string, string> | undefined): number {
    return parseTtl(metadata) ?? this.settings?.ttlInSeconds ?? 0;
  }

  private async write(ops: readonly WriteOp[]): Promise<number> {
    const client = this.ready();
    const keys = ops.map((op) => op.key);
    const args: Array<string | Buffer> = [];
    for (const op of ops) {
      if (op.kind === 'set') args.push('set', op.etag, op.firstWrite ? '1' : '0', op.data, String(op.ttl));
      else args.push('del', op.etag, '0', '', '0');
    }
    return this.call(() => client.minidaprStateWrite(keys.length, ...keys, ...args));
  }

  private ready(): ScriptedRedis {
    if (!this.client) throw new Error('redis store: not initialised');
    return this.client;
  }

  /** Runs a command, turning ETag conflicts into ETagMismatchError and connection trouble into a clear error. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (message.startsWith('ETAGMISMATCH')) throw new ETagMismatchError();
      if (message.startsWith('BADTTL')) throw new TtlError(`must be an integer from -1 to ${MAX_TTL_SECONDS}`);
      throw new Error(`redis store: ${describeRedisError(this.client, this.settings, err).message}`, { cause: err });
    }
  }
}

/** Normalises an ETag to the version string: '' when absent; non-numeric → ETagInvalidError. */
function parseETag(etag: string | undefined): string {
  if (etag === undefined || etag === '') return '';
  if (!/^-?\d+$/.test(etag)) throw new ETagInvalidError(`invalid etag value: "${etag}" is not a number`);
  return String(BigInt(etag));
}

export function createRedisStateStore(ctx: FactoryContext): RedisStateStore {
  return new RedisStateStore(ctx.logger);
}

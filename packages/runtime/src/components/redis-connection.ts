/**
 * @module components/redis-connection
 * The ioredis side of the Redis components: the options every client uses (no offline queue, so a
 * command fails at once while Redis is down, and reconnection forever with a capped backoff); a
 * fail-fast first connect whose error names redisHost; one warning when the connection drops and
 * one info line when it is back. Settings come from redis-settings.ts.
 */
import Redis, { type RedisOptions } from 'ioredis';
import type { RedisConnectionSettings } from './redis-settings';
import type { Logger } from './types';

export { REDIS_CONNECTION_METADATA, parseRedisConnection, type RedisConnectionSettings } from './redis-settings';

/** ioredis options: fail fast while disconnected instead of queueing; reconnect forever with a capped backoff. */
export function redisClientOptions(s: RedisConnectionSettings, overrides: Partial<RedisOptions> = {}): RedisOptions {
  return {
    host: s.host,
    port: s.port,
    username: s.username,
    password: s.password,
    db: s.db,
    tls: s.tls ? { servername: s.host, rejectUnauthorized: !s.insecureSkipTLSVerify } : undefined,
    lazyConnect: true,
    connectTimeout: s.dialTimeoutMs,
    commandTimeout: s.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: s.maxRetries,
    retryStrategy: (attempt) => Math.min(s.maxRetryIntervalMs, s.minRetryIntervalMs * 2 ** Math.min(attempt, 20)),
    ...overrides,
  };
}

/**
 * Creates a client and resolves once it is ready; rejects on the first failed attempt (or after
 * dialTimeout) with `<label>: error connecting to redis at <host:port> (metadata redisHost): …`.
 */
export function connectRedis(s: RedisConnectionSettings, label: string, overrides: Partial<RedisOptions> = {}): Promise<Redis> {
  const client = new Redis(redisClientOptions(s, overrides));
  return new Promise<Redis>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      if (!err) return resolve(client);
      client.disconnect();
      reject(new Error(`${label}: error connecting to redis at ${s.address} (metadata redisHost): ${err.message}`));
    };
    const onReady = () => done();
    const onError = (err: Error) => done(err);
    const timer = setTimeout(() => done(new Error(`no answer within dialTimeout ${s.dialTimeoutMs} ms`)), s.dialTimeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
    client.connect().catch(() => undefined); // failures arrive through the listeners above
  });
}

/**
 * Logs one warning when the connection drops and one info line when it is back (ioredis reconnects
 * by itself). Also keeps an 'error' listener attached, so a lost connection never crashes the process.
 */
export function watchRedisConnection(client: Redis, s: RedisConnectionSettings, logger: Logger, what = 'Redis'): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) logger.warn({ redisHost: s.address, err: err.message }, `lost the connection to ${what} at ${s.address}; reconnecting`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ redisHost: s.address }, `reconnected to ${what} at ${s.address}`);
    down = false;
  });
}

/** Closes a client politely when it is connected, else at once. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      /* fall through to a hard disconnect */
    }
  }
  client.disconnect();
}

/** Text for a failed command: ioredis's own words while disconnected ("Stream isn't writeable…") say nothing useful. */
export function describeRedisError(client: Redis | undefined, s: RedisConnectionSettings | undefined, err: unknown): { message: string; down: boolean } {
  const message = (err as Error)?.message ?? String(err);
  const address = s?.address ?? 'unknown';
  if (client?.status !== 'ready') {
    const detail = /enableOfflineQueue/.test(message) ? 'no connection' : message;
    return { message: `redis at ${address} is not reachable (reconnecting in the background): ${detail}`, down: true };
  }
  return { message: `redis at ${address}: ${message}`, down: false };
}

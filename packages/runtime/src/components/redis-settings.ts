/**
 * @module components/redis-settings
 * Dapr's Redis connection metadata fields (components-contrib common/component/redis settings) and
 * their decoding into connection settings, shared by state.redis, pubsub.redis and bindings.redis.
 * No ioredis here: the component catalogue and metadata decoding must not load the driver.
 * Cluster and Sentinel (failover) modes are rejected.
 */
import { MetadataError } from './errors';
import type { Decoded, FieldSpec } from './metadata';

export const REDIS_CONNECTION_METADATA: readonly FieldSpec[] = [
  { name: 'redisHost', type: 'string', required: true, description: 'Redis address as host:port' },
  { name: 'redisPort', type: 'number', description: 'Port appended to redisHost when redisHost has none' },
  { name: 'redisUsername', type: 'string', description: 'ACL user name (Redis 6+)' },
  { name: 'redisPassword', type: 'string', sensitive: true, description: 'Password (AUTH)' },
  { name: 'redisDB', type: 'number', default: '0', description: 'Database number (SELECT)' },
  { name: 'redisType', type: 'string', default: 'node', description: 'node (cluster is not supported)' },
  { name: 'enableTLS', type: 'boolean', default: 'false', description: 'Connect with TLS' },
  { name: 'insecureSkipTLSVerify', type: 'boolean', default: 'false', description: 'Do not verify the server certificate' },
  { name: 'failover', type: 'boolean', default: 'false', description: 'Sentinel failover (not supported)' },
  { name: 'redisMaxRetries', type: 'number', default: '3', description: 'Retries of a command interrupted by a lost connection' },
  { name: 'redisMinRetryInterval', type: 'duration', default: '8ms', description: 'Smallest delay between reconnect attempts' },
  { name: 'redisMaxRetryInterval', type: 'duration', default: '512ms', description: 'Largest delay between reconnect attempts' },
  { name: 'dialTimeout', type: 'duration', default: '3s', description: 'Connect timeout (init fails when Redis is not reachable in time)' },
  { name: 'readTimeout', type: 'duration', default: '3s', description: 'Command timeout (read side)' },
  { name: 'writeTimeout', type: 'duration', description: 'Command timeout (write side; defaults to readTimeout)' },
];

export interface RedisConnectionSettings {
  host: string;
  port: number;
  /** `host:port` as configured, for messages. */
  address: string;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
  insecureSkipTLSVerify: boolean;
  maxRetries: number;
  minRetryIntervalMs: number;
  maxRetryIntervalMs: number;
  dialTimeoutMs: number;
  commandTimeoutMs: number;
}

/** Splits `host:port`, `[v6]:port` or a bare host; redisPort fills in a missing port. */
function parseAddress(fail: (field: string, problem: string) => never, raw: string, redisPort: number | undefined): { host: string; port: number } {
  const text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, portText] = text.split(':') as [string, string];
  } else {
    host = text; // bare host name or a bare IPv6 address
  }
  if (host === '') fail('redisHost', 'must be host:port');
  let field = 'redisHost';
  if (portText === undefined || portText === '') {
    if (redisPort === undefined) return { host, port: 6379 };
    portText = String(redisPort);
    field = 'redisPort';
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(field, `has an invalid port "${portText}"`);
  return { host, port };
}

/** Validates the decoded connection fields (decodeMetadata with REDIS_CONNECTION_METADATA) of `component`. */
export function parseRedisConnection(component: string, m: Decoded): RedisConnectionSettings {
  const fail = (field: string, problem: string): never => {
    throw new MetadataError(component, field, problem);
  };
  const what = component.startsWith('pubsub.') ? 'pub/sub component' : 'state store';
  const type = String(m.redisType).toLowerCase();
  if (type === 'cluster') fail('redisType', `is "cluster": Redis Cluster is not supported by this ${what}; use a single node`);
  if (type !== 'node') fail('redisType', 'must be node');
  if (m.failover === true) fail('failover', `is true: Redis Sentinel failover is not supported by this ${what}`);
  const { host, port } = parseAddress(fail, m.redisHost as string, m.redisPort as number | undefined);
  const db = m.redisDB as number;
  if (!Number.isInteger(db) || db < 0) fail('redisDB', 'must be a whole number ≥ 0');
  const maxRetries = m.redisMaxRetries as number;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) fail('redisMaxRetries', 'must be a whole number ≥ 0');
  const readTimeout = m.readTimeout as number;
  const writeTimeout = (m.writeTimeout as number | undefined) ?? readTimeout;
  const minRetry = m.redisMinRetryInterval as number;
  const maxRetry = m.redisMaxRetryInterval as number;
  return {
    host,
    port,
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    username: (m.redisUsername as string | undefined) || undefined,
    password: (m.redisPassword as string | undefined) || undefined,
    db,
    tls: m.enableTLS as boolean,
    insecureSkipTLSVerify: m.insecureSkipTLSVerify as boolean,
    maxRetries,
    minRetryIntervalMs: minRetry,
    maxRetryIntervalMs: Math.max(minRetry, maxRetry),
    dialTimeoutMs: m.dialTimeout as number,
    commandTimeoutMs: Math.max(readTimeout, writeTimeout),
  };
}

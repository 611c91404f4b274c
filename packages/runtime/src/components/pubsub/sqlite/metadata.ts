/**
 * @module components/pubsub/sqlite/metadata
 * pubsub.sqlite metadata. Field names follow Dapr's pubsub.redis where the meaning is the same
 * (`consumerID`, `processingTimeout`, `redeliverInterval`, `concurrency`).
 */
import { isAbsolute, resolve } from 'node:path';
import { MetadataError } from '../../errors';
import { checkSqliteFile } from '../../sqlite-path';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';

export const COMPONENT = 'pubsub.sqlite';

export const SQLITE_PUBSUB_METADATA: readonly FieldSpec[] = [
  {
    name: 'connectionString',
    type: 'string',
    required: true,
    description:
      'The database file shared by every sidecar using this broker (relative paths resolve against the sidecar working directory; parent folders are created). A `file:` prefix is accepted.',
  },
  {
    name: 'consumerID',
    type: 'string',
    description:
      'Consumer group. Defaults to the app id: every app id gets every message, replicas of one app id share them.',
  },
  {
    name: 'processingTimeout',
    type: 'duration',
    default: '15s',
    description: 'A delivered message not acknowledged within this time (e.g. its subscriber crashed) is redelivered to a member of the group.',
  },
  {
    name: 'redeliverInterval',
    type: 'duration',
    default: '2s',
    description:
      'Delay before a message whose handler asked for a retry (or failed) is delivered again. Shorter than pubsub.redis (60s) to suit local development; `0` redelivers at once.',
  },
  {
    name: 'pollInterval',
    type: 'duration',
    default: '200ms',
    description:
      'How often a subscriber checks the file for messages published by other processes (one indexed read); publishes in the same process and file-change notifications wake it sooner.',
  },
  { name: 'concurrency', type: 'number', default: '10', description: 'Messages in flight at once per subscription.' },
  {
    name: 'maxLen',
    type: 'number',
    description: 'Keep at most about this many messages per topic; only messages every consumer group has acknowledged are trimmed.',
  },
  {
    name: 'retentionPeriod',
    type: 'duration',
    description: 'Delete acknowledged messages older than this. Without maxLen or retentionPeriod messages are kept.',
  },
  {
    name: 'busyTimeout',
    type: 'duration',
    default: '2s',
    description: 'How long a write waits for another process holding the database lock.',
  },
];

export interface SqlitePubSubConfig {
  file: string;
  consumerID: string;
  processingTimeoutMs: number;
  redeliverIntervalMs: number;
  pollIntervalMs: number;
  concurrency: number;
  maxLen?: number;
  retentionPeriodMs?: number;
  busyTimeoutMs: number;
}

function positive(field: string, value: number): number {
  if (!(value > 0)) throw new MetadataError(COMPONENT, field, 'must be greater than zero');
  return value;
}

function wholeNumber(field: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MetadataError(COMPONENT, field, `must be a whole number of at least ${min}`);
  }
  return value;
}

/** Decodes and validates the metadata; `appId` is the default consumer group. */
export function parseSqlitePubSubMetadata(raw: MetadataMap, cwd: string, appId: string): SqlitePubSubConfig {
  const m = decodeMetadata(COMPONENT, SQLITE_PUBSUB_METADATA, raw);
  const consumerID = ((m.consumerID as string | undefined) ?? appId).trim();
  if (consumerID === '') throw new MetadataError(COMPONENT, 'consumerID', 'is empty and no app id is set to default to');
  const file = resolveFile(m.connectionString as string, cwd);
  checkSqliteFile(COMPONENT, 'connectionString', file);
  return {
    file,
    consumerID,
    processingTimeoutMs: positive('processingTimeout', m.processingTimeout as number),
    redeliverIntervalMs: m.redeliverInterval as number,
    pollIntervalMs: positive('pollInterval', m.pollInterval as number),
    concurrency: wholeNumber('concurrency', m.concurrency as number, 1) as number,
    maxLen: wholeNumber('maxLen', m.maxLen as number | undefined, 0),
    retentionPeriodMs: m.retentionPeriod as number | undefined,
    busyTimeoutMs: m.busyTimeout as number,
  };
}

function resolveFile(connectionString: string, cwd: string): string {
  let path = connectionString.trim();
  if (path.toLowerCase().startsWith('file:')) path = path.slice(5).replace(/^\/\/(localhost)?(?=\/)/, '');
  if (path === '' || path === ':memory:' || path.includes('?')) {
    // An in-memory database cannot be shared between processes, which is the point of this broker.
    throw new MetadataError(COMPONENT, 'connectionString', 'must be a file path');
  }
  return isAbsolute(path) ? path : resolve(cwd, path);
}

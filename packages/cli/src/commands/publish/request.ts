/**
 * @module commands/publish/request
 * `minidapr publish` flags → the publish request for the publisher's sidecar
 * (`POST /v1.0/publish/<pubsub>/<topic>?metadata.k=v`), validated before anything is sent.
 * Like Dapr's CLI, a payload that is already a CloudEvent (id, source, specversion, type, data)
 * is sent as `application/cloudevents+json`, anything else as `application/json`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../errors';
import { publishMessages as M } from '../../messages';

export interface PublishFlags {
  publishAppId: string;
  pubsub: string;
  topic: string;
  data?: string;
  dataFile?: string;
  /** `k=v` items (repeatable) or one JSON object, as Dapr's CLI takes it. */
  metadata?: string[];
}

export interface PublishRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const CLOUDEVENT_FIELDS = ['id', 'source', 'specversion', 'type', 'data'];

export function buildPublishRequest(f: PublishFlags, cwd: string): PublishRequest {
  const issues: string[] = [];
  if (!f.publishAppId) issues.push('--publish-app-id: must not be empty');
  if (!f.pubsub) issues.push('--pubsub: must not be empty');
  if (!f.topic) issues.push('--topic: must not be empty');
  let text: string | undefined;
  if (f.data !== undefined && f.dataFile !== undefined) issues.push(M.bothData);
  else if (f.data !== undefined) text = f.data;
  else if (f.dataFile !== undefined) {
    try {
      text = readFileSync(resolve(cwd, f.dataFile), 'utf8');
    } catch (err) {
      issues.push(M.dataFile(f.dataFile, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message));
    }
  }
  let parsed: unknown;
  if (text !== undefined) {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      issues.push(M.badJson(f.data !== undefined ? '--data' : '--data-file', (err as Error).message));
    }
  }
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(parseMetadata(f.metadata ?? [], issues))) query.append(`metadata.${k}`, v);
  if (issues.length > 0) throw new ConfigError(issues, 'publish');
  const isCloudEvent =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && CLOUDEVENT_FIELDS.every((k) => k in (parsed as object));
  const qs = query.toString();
  return {
    path: `/v1.0/publish/${encodeURIComponent(f.pubsub)}/${f.topic.split('/').map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`,
    headers: { 'content-type': isCloudEvent ? 'application/cloudevents+json' : 'application/json' },
    body: Buffer.from(text ?? ''),
  };
}

function parseMetadata(items: readonly string[], issues: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const t = item.trim();
    if (t.startsWith('{')) {
      try {
        const obj = JSON.parse(t) as Record<string, unknown>;
        for (const [k, v] of Object.entries(obj)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
      } catch (err) {
        issues.push(M.badMetadata(item, (err as Error).message));
      }
      continue;
    }
    const eq = t.indexOf('=');
    if (eq <= 0) issues.push(M.badMetadata(item, 'expected key=value or a JSON object'));
    else out[t.slice(0, eq).trim()] = t.slice(eq + 1);
  }
  return out;
}

/**
 * @module components/pubsub/redis/entries
 * Decoding Redis Streams replies (read with callBuffer, so payloads stay bytes) into messages, and
 * the stream-id arithmetic the pending scan pages with. An entry carries `data` (the envelope bytes)
 * and, when the publisher had metadata, `metadata` (a JSON object of strings) — Dapr's layout.
 */
import type { Message } from '../contract';

export interface StreamEntry {
  id: string;
  message: Message;
}

const DATA = Buffer.from('data');
const METADATA = Buffer.from('metadata');

/** One `[id, [field, value, …]]` pair; `fields` is null for an entry deleted (trimmed) since delivery. */
export function decodeEntry(topic: string, raw: unknown, onBadMetadata?: (id: string) => void): StreamEntry | { id: string; deleted: true } | undefined {
  if (!Array.isArray(raw) || raw.length < 2) return undefined;
  const id = String(raw[0]);
  const fields = raw[1] as Buffer[] | null;
  if (!Array.isArray(fields)) return { id, deleted: true };
  let data: Buffer | undefined;
  let metadata: Record<string, string> | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as Buffer;
    if (data === undefined && name.equals(DATA)) data = fields[i + 1] as Buffer;
    else if (name.equals(METADATA)) metadata = parseMetadata(fields[i + 1] as Buffer, () => onBadMetadata?.(id));
  }
  const message: Message = { topic, data: data ?? Buffer.alloc(0) };
  if (metadata) message.metadata = metadata;
  return { id, message };
}

function parseMetadata(raw: Buffer, onBad: () => void): Record<string, string> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return out;
  } catch {
    onBad();
    return undefined;
  }
}

/** Entries of an XREADGROUP reply `[[stream, [[id, fields], …]], …]` (null when BLOCK timed out). */
export function readReplyEntries(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) return [];
  const out: unknown[] = [];
  for (const stream of reply) {
    if (Array.isArray(stream) && Array.isArray(stream[1])) out.push(...(stream[1] as unknown[]));
  }
  return out;
}

/** The smallest stream id greater than `id` (`<ms>-<seq>`), for exclusive paging on Redis < 6.2. */
export function nextStreamId(id: string): string {
  const dash = id.indexOf('-');
  if (dash < 0) return `${id}-1`;
  return `${id.slice(0, dash)}-${(BigInt(id.slice(dash + 1)) + 1n).toString()}`;
}

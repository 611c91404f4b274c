/**
 * @module server/body
 * Reads request bodies with the --max-body-size cap applied while reading (never after).
 */
import type { IncomingMessage } from 'node:http';
import { commonErrors } from '../errors/common';
import { jsonTooDeep, tooDeepMessage } from '../json/depth';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw commonErrors.bodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw commonErrors.bodyTooLarge(limit);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'DaprError') throw err;
    throw commonErrors.bodyRead(err instanceof Error ? err.message : String(err), err);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** Parses a JSON body; malformed JSON is ERR_MALFORMED_REQUEST (400). */
export async function readJSON(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readBody(req, limit);
  if (raw.length === 0) throw commonErrors.malformedRequest('failed to parse request body: unexpected end of JSON input');
  const text = raw.toString('utf8');
  if (jsonTooDeep(text)) throw commonErrors.malformedRequest(`failed to parse request body as JSON: ${tooDeepMessage()}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw commonErrors.malformedRequest(`failed to parse request body as JSON: ${(err as Error).message}`, err);
  }
}

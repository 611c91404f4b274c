/**
 * @module components/pubsub/redis/group
 * Creates the consumer group of a stream (and the stream) if missing: `XGROUP CREATE <topic> <group>
 * 0 MKSTREAM`, from `0` as Dapr does, so a new group sees every entry still in the stream; and
 * removes a departing consumer.
 */
import type Redis from 'ioredis';

export async function ensureGroup(client: Redis, topic: string, group: string): Promise<void> {
  try {
    await client.call('XGROUP', 'CREATE', topic, group, '0', 'MKSTREAM');
  } catch (err) {
    if (/BUSYGROUP/.test((err as Error).message)) return;
    throw err;
  }
}

/**
 * Removes a consumer from the group when nothing is pending for it (a consumer's pending entries
 * would be lost with it, so one that still owns some stays, for the pending scan). Best effort.
 */
export async function forgetConsumer(client: Redis, topic: string, group: string, consumer: string): Promise<void> {
  try {
    const mine = (await client.call('XPENDING', topic, group, '-', '+', 1, consumer)) as unknown[];
    if (mine.length === 0) await client.call('XGROUP', 'DELCONSUMER', topic, group, consumer);
  } catch {
    /* a leftover consumer with nothing pending is harmless */
  }
}

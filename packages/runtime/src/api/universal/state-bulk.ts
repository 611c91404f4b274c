/**
 * @module api/universal/state-bulk
 * Bulk get and bulk delete of the state building block (the adapters import it beside api/universal/state, which it builds on), under
 * the store's outbound resiliency policy as daprd applies it: a bulk get is one operation (retried
 * when every key failed, i.e. the store itself failed); a bulk delete retries only the items that
 * failed with something other than an ETag error (daprd's PerformBulkStoreOperation).
 */
import { ETagInvalidError } from '../../components/errors';
import type { DeleteRequest } from '../../components/state/contract';
import { GRPC_CODE } from '../../errors/codes';
import { FailedAttempt, isDaprError, isETagError, PermanentFailure, permanentComponentErrors, runOutbound } from './resilient';
import { checkOptions, type BulkStateItem, type DeleteStateRequest, type GetBulkStateRequest, type StateTarget } from './state';

export interface DeleteBulkStateRequest {
  states: DeleteStateRequest[];
}

/** Bulk get fans out to `get` with at most this many reads in flight when `parallelism` is unset (daprd's limiter default). */
const DEFAULT_BULK_PARALLELISM = 100;

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One answer per key in the request order; a failed read is an entry with `error`, not a failure. */
export async function getBulkState(t: StateTarget, req: GetBulkStateRequest): Promise<BulkStateItem[]> {
  const keys = req.keys.map((key) => ({ key, stored: t.prefix(key) }));
  const limit = req.parallelism !== undefined && req.parallelism > 0 ? req.parallelism : DEFAULT_BULK_PARALLELISM;
  const readAll = (): Promise<BulkStateItem[]> =>
    mapBounded(keys, limit, async ({ key, stored }): Promise<BulkStateItem> => {
      try {
        const got = await t.store.get({ key: stored, metadata: req.metadata });
        if (!got) return { key };
        const entry: BulkStateItem = { key, data: got.data };
        if (got.etag) entry.etag = got.etag;
        if (got.metadata && Object.keys(got.metadata).length > 0) entry.metadata = got.metadata;
        return entry;
      } catch (err) {
        return { key, error: err instanceof Error ? err.message : String(err) };
      }
    });
  const runner = t.outbound();
  if (runner.noop) return readAll();
  try {
    return await runOutbound(runner, async () => {
      const items = await readAll();
      // Every read failing is the store failing (daprd retries its BulkGet as one call).
      if (items.length > 0 && items.every((i) => i.error !== undefined)) throw new FailedAttempt(items, items[0]?.error ?? 'bulk get failed');
      return items;
    });
  } catch (err) {
    if (err instanceof FailedAttempt) return err.value as BulkStateItem[];
    throw t.errors.bulkGet(err);
  }
}

type Failure = { item: DeleteRequest; err: unknown };

/**
 * Deletes every item (daprd DeleteBulkState, gRPC only): all keys are checked first; one item is a
 * plain delete, several run side by side and every failure is reported, the messages joined by
 * newlines. The answer is an etag error (mismatch, or invalid when one was invalid) only when every
 * failure was one, as daprd's PerformBulkStoreOperation decides.
 */
export async function deleteBulkState(t: StateTarget, req: DeleteBulkStateRequest): Promise<void> {
  const items = req.states.map(
    (item): DeleteRequest => ({
      key: t.prefix(item.key),
      etag: item.etag || undefined,
      metadata: item.metadata,
      options: checkOptions(item.options, (m) => t.errors.deleteBulk(new Error(m))),
    }),
  );
  if (items.length === 0) return;
  let pending = items;
  // Failures that are final (ETag errors) are still reported when the retried items succeed later
  // (daprd's accumulator drops them: a stale ETag would then pass unnoticed).
  const final: unknown[] = [];
  const attempt = async (): Promise<void> => {
    const results = await Promise.allSettled(pending.map((item) => t.store.delete(item)));
    const failures: Failure[] = results.flatMap((r, i) => (r.status === 'rejected' ? [{ item: pending[i] as DeleteRequest, err: r.reason as unknown }] : []));
    const retry = failures.filter((f) => !isETagError(f.err) && !isDaprError(f.err));
    const earlier = final.slice();
    final.push(...failures.filter((f) => !retry.includes(f)).map((f) => f.err));
    if (retry.length === 0) {
      if (final.length > 0) throw new PermanentFailure(final);
      return;
    }
    // Items that succeeded or failed for good are not sent again.
    pending = retry.map((f) => f.item);
    throw new FailedAttempt([...earlier, ...failures.map((f) => f.err)], 'bulk delete failed');
  };
  try {
    await runOutbound(t.outbound(), attempt, { errorStatus: permanentComponentErrors });
  } catch (err) {
    if (!(err instanceof PermanentFailure || err instanceof FailedAttempt)) throw t.errors.deleteBulk(err);
    throwDeleteFailures(t, err.value as unknown[], items.length);
  }
}

function throwDeleteFailures(t: StateTarget, failures: unknown[], total: number): never {
  if (failures.length === 1 && total === 1 && isDaprError(failures[0])) throw failures[0];
  const cause = failures.length === 1 ? failures[0] : new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n'));
  if (failures.every(isETagError)) {
    const invalid = failures.some((f) => f instanceof ETagInvalidError);
    throw t.errors.deleteBulk(cause, invalid ? 400 : 409, invalid ? GRPC_CODE.INVALID_ARGUMENT : GRPC_CODE.ABORTED);
  }
  throw t.errors.deleteBulk(cause);
}

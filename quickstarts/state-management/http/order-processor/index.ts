/**
 * @module order-processor
 * State management (HTTP): saves 10 orders in the `statestore` component through the Dapr
 * sidecar's state API, reads each one back and deletes it, with plain HTTP (axios). It waits for the
 * sidecar first and retries a failed call with bounded backoff. No app port: it only makes calls.
 */
import axios, { isAxiosError } from 'axios';

const DAPR_HOST: string = process.env['DAPR_HOST'] ?? 'http://localhost';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const STATE_STORE_NAME = 'statestore';

const SIDECAR_URL = `${DAPR_HOST}:${DAPR_HTTP_PORT}`;
const STATE_URL = `${SIDECAR_URL}/v1.0/state/${STATE_STORE_NAME}`;
const ORDER_COUNT = 10;
const PAUSE_BETWEEN_ORDERS_MS = 100;
const READY_TIMEOUT_MS = 60_000;
const RETRY_FIRST_DELAY_MS = 200;
const RETRY_MAX_DELAY_MS = 2_000;
const RETRY_BUDGET_MS = 30_000;

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (its components are loaded). */
async function waitForSidecar(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await axios.get(`${SIDECAR_URL}/v1.0/healthz/outbound`, { validateStatus: () => true, timeout: 1_000 });
      if (res.status === 204) return;
    } catch {
      // Not listening yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`the Dapr sidecar at ${SIDECAR_URL} was not ready within ${READY_TIMEOUT_MS / 1000}s`);
    await sleep(200);
  }
}

/** A short reason for a failed call: `500 ERR_STATE_SAVE`, or the network error code. */
function describeFailure(err: unknown): string {
  if (isAxiosError<{ errorCode?: string }>(err)) {
    if (err.response) return `${err.response.status} ${err.response.data?.errorCode ?? ''}`.trim();
    return err.code ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs one state call; a failure (for example the store briefly unavailable) is retried with backoff. */
async function withRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  let delay = RETRY_FIRST_DELAY_MS;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const reason = describeFailure(err);
      if (Date.now() + delay > deadline) throw new Error(`${what} failed: ${reason}`);
      console.log(`${what} failed (${reason}), retrying in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
    }
  }
}

async function saveOrder(key: string, order: Order): Promise<void> {
  // The state API takes a list of key/value pairs, so one request can save several keys.
  await axios.post(STATE_URL, [{ key, value: order }]);
}

async function getOrder(key: string): Promise<unknown> {
  // The sidecar answers with the stored JSON as it is, or 204 with no body for a missing key.
  const res = await axios.get<unknown>(`${STATE_URL}/${encodeURIComponent(key)}`);
  if (res.status === 204) throw new Error(`${key} not found`);
  return res.data;
}

async function deleteOrder(key: string): Promise<void> {
  await axios.delete(`${STATE_URL}/${encodeURIComponent(key)}`);
}

async function main(): Promise<void> {
  await waitForSidecar();
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const order: Order = { orderId: i };
    const key = `order-${i}`;
    await withRetry(`Saving ${key}`, () => saveOrder(key, order));
    console.log(`Saving Order: ${JSON.stringify(order)}`);
    const stored = await withRetry(`Getting ${key}`, () => getOrder(key));
    console.log(`Getting Order: ${JSON.stringify(stored)}`);
    await withRetry(`Deleting ${key}`, () => deleteOrder(key));
    console.log(`Deleting Order: ${JSON.stringify(order)}`);
    if (i < ORDER_COUNT) await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
  console.log(`state done: ${ORDER_COUNT} orders`);
}

main().catch((err: unknown) => {
  console.error(`order-processor failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

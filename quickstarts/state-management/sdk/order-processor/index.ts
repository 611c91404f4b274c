/**
 * @module order-processor
 * State management (SDK): saves 10 orders in the `statestore` component with the official Dapr JS
 * SDK (`DaprClient.state.save/get/delete`), reads each one back and deletes it. It waits for the
 * sidecar first and retries a failed call with bounded backoff. No app port: it only makes calls.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';

const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const DAPR_HOST = '127.0.0.1';
const STATE_STORE_NAME = 'statestore';

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
  const url = `http://${DAPR_HOST}:${DAPR_HTTP_PORT}/v1.0/healthz/outbound`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 204) return;
    } catch {
      // Not listening yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`the Dapr sidecar on port ${DAPR_HTTP_PORT} was not ready within ${READY_TIMEOUT_MS / 1000}s`);
    await sleep(200);
  }
}

/**
 * A short reason for a failed call: `500 ERR_STATE_SAVE`, or the network error. The SDK reports an
 * HTTP error as an Error whose message is JSON: `{"error": ..., "error_msg": "<body>", "status": 500}`.
 */
function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const details = JSON.parse(message) as { status?: number; error_msg?: string };
    const body = JSON.parse(details.error_msg ?? '{}') as { errorCode?: string };
    return `${details.status ?? ''} ${body.errorCode ?? ''}`.trim();
  } catch {
    return message;
  }
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

async function saveOrder(client: DaprClient, key: string, order: Order): Promise<void> {
  // save() and delete() report a failure in the result instead of throwing: throw it, to retry.
  const res = await client.state.save(STATE_STORE_NAME, [{ key, value: order }]);
  if (res.error) throw res.error;
}

async function getOrder(client: DaprClient, key: string): Promise<unknown> {
  // The SDK parses the stored JSON; a missing key comes back as an empty string.
  const value = await client.state.get(STATE_STORE_NAME, key);
  if (value === '' || value === undefined || value === null) throw new Error(`${key} not found`);
  return value;
}

async function deleteOrder(client: DaprClient, key: string): Promise<void> {
  const res = await client.state.delete(STATE_STORE_NAME, key);
  if (res.error) throw res.error;
}

async function main(): Promise<void> {
  await waitForSidecar();
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_HTTP_PORT,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    // Warn keeps the SDK's start-up info lines out of the output the README checks.
    logger: { level: LogLevel.Warn },
  });
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const order: Order = { orderId: i };
    const key = `order-${i}`;
    await withRetry(`Saving ${key}`, () => saveOrder(client, key, order));
    console.log(`Saving Order: ${JSON.stringify(order)}`);
    const stored = await withRetry(`Getting ${key}`, () => getOrder(client, key));
    console.log(`Getting Order: ${JSON.stringify(stored)}`);
    await withRetry(`Deleting ${key}`, () => deleteOrder(client, key));
    console.log(`Deleting Order: ${JSON.stringify(order)}`);
    if (i < ORDER_COUNT) await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
  console.log(`state done: ${ORDER_COUNT} orders`);
  await client.stop();
}

main().catch((err: unknown) => {
  console.error(`order-processor failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/**
 * @module checkout
 * Pub/sub (HTTP): publishes 10 orders to the topic `orders` of the pub/sub component `orderpubsub`
 * through its own Dapr sidecar, with plain HTTP (axios): `POST /v1.0/publish/orderpubsub/orders`.
 * It does not know who subscribes, or whether anyone is running yet: the broker keeps each order
 * for every subscribing app. It waits for the sidecar first and retries a failed publish with
 * bounded backoff.
 */
import axios, { isAxiosError } from 'axios';

const DAPR_HOST: string = process.env['DAPR_HOST'] ?? 'http://localhost';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';

const PUBSUB_NAME = 'orderpubsub';
const TOPIC_NAME = 'orders';
const SIDECAR_URL = `${DAPR_HOST}:${DAPR_HTTP_PORT}`;
const PUBLISH_URL = `${SIDECAR_URL}/v1.0/publish/${PUBSUB_NAME}/${TOPIC_NAME}`;
const ORDER_COUNT = 10;
const PAUSE_BETWEEN_ORDERS_MS = 250;
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

/** A short reason for a failed call: `500 ERR_PUBSUB_PUBLISH_MESSAGE`, or the network error code. */
function describeFailure(err: unknown): string {
  if (isAxiosError<{ errorCode?: string }>(err)) {
    if (err.response) return `${err.response.status} ${err.response.data?.errorCode ?? ''}`.trim();
    return err.code ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Publishes one order (the sidecar answers 204 once the broker has it); a failure is retried with backoff. */
async function publishOrder(order: Order): Promise<void> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  let delay = RETRY_FIRST_DELAY_MS;
  for (;;) {
    try {
      await axios.post(PUBLISH_URL, order);
      return;
    } catch (err) {
      const reason = describeFailure(err);
      if (Date.now() + delay > deadline) throw new Error(`order ${JSON.stringify(order)} was not published: ${reason}`);
      console.log(`Order ${JSON.stringify(order)} not published yet (${reason}), retrying in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
    }
  }
}

async function main(): Promise<void> {
  await waitForSidecar();
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const order: Order = { orderId: i };
    await publishOrder(order);
    console.log(`Published data: ${JSON.stringify(order)}`);
    if (i < ORDER_COUNT) await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
  console.log(`checkout done: ${ORDER_COUNT} orders`);
}

main().catch((err: unknown) => {
  console.error(`checkout failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

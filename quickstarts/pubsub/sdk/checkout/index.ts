/**
 * @module checkout
 * Pub/sub (SDK): publishes 10 orders to the topic `orders` of the pub/sub component `orderpubsub`
 * through its own Dapr sidecar with the official Dapr JS SDK (`DaprClient.pubsub.publish`). It does
 * not know who subscribes, or whether anyone is running yet: the broker keeps each order for every
 * subscribing app. It waits for the sidecar first and retries a failed publish with bounded backoff.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';

const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const DAPR_HOST = '127.0.0.1';

const PUBSUB_NAME = 'orderpubsub';
const TOPIC_NAME = 'orders';
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
 * A short reason for a failed publish: `500 ERR_PUBSUB_PUBLISH_MESSAGE`, or the network error. The SDK
 * reports an HTTP error as an Error whose message is JSON: `{"error": ..., "error_msg": "<body>", "status": 500}`.
 */
function describeFailure(err: Error): string {
  try {
    const details = JSON.parse(err.message) as { status?: number; error_msg?: string };
    const body = JSON.parse(details.error_msg ?? '{}') as { errorCode?: string };
    return `${details.status ?? ''} ${body.errorCode ?? ''}`.trim();
  } catch {
    return err.message;
  }
}

/**
 * Publishes one order; a failure is retried with backoff. The SDK does not throw when a publish
 * fails: it resolves to `{ error }`, so the result has to be checked.
 */
async function publishOrder(client: DaprClient, order: Order): Promise<void> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  let delay = RETRY_FIRST_DELAY_MS;
  for (;;) {
    const result = await client.pubsub.publish(PUBSUB_NAME, TOPIC_NAME, order);
    if (!result.error) return;
    const reason = describeFailure(result.error);
    if (Date.now() + delay > deadline) throw new Error(`order ${JSON.stringify(order)} was not published: ${reason}`);
    console.log(`Order ${JSON.stringify(order)} not published yet (${reason}), retrying in ${delay} ms`);
    await sleep(delay);
    delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
  }
}

async function main(): Promise<void> {
  await waitForSidecar();
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_HTTP_PORT,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    // The SDK logs a failed publish itself at error level; our retry line says what happens next.
    logger: { level: LogLevel.Warn },
  });
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const order: Order = { orderId: i };
    await publishOrder(client, order);
    console.log(`Published data: ${JSON.stringify(order)}`);
    if (i < ORDER_COUNT) await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
  console.log(`checkout done: ${ORDER_COUNT} orders`);
  await client.stop();
}

main().catch((err: unknown) => {
  console.error(`checkout failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

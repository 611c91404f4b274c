/**
 * @module checkout
 * Service invocation (SDK): sends 10 orders to order-processor through its own Dapr sidecar with the
 * official Dapr JS SDK (`DaprClient.invoker.invoke`). It waits for the sidecar first and retries a
 * failed call with bounded backoff, so it does not matter which app starts first.
 */
import { CommunicationProtocolEnum, DaprClient, HttpMethod, LogLevel } from '@dapr/dapr';

const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const DAPR_HOST = '127.0.0.1';
/** The app id to call; the polyglot steps point it at another variant's order-processor. */
const ORDER_PROCESSOR_APP_ID: string = process.env['ORDER_PROCESSOR_APP_ID'] ?? 'order-processor-sdk';

const ORDER_COUNT = 10;
const PAUSE_BETWEEN_ORDERS_MS = 250;
const READY_TIMEOUT_MS = 60_000;
const RETRY_FIRST_DELAY_MS = 200;
const RETRY_MAX_DELAY_MS = 2_000;
const RETRY_BUDGET_MS = 60_000;

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (ready to call other apps). */
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
 * A short reason for a failed call: `500 ERR_DIRECT_INVOKE`, or the network error. The SDK reports an
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

/** Sends one order; a failure (for example order-processor not started yet) is retried with backoff. */
async function sendOrder(client: DaprClient, order: Order): Promise<void> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  let delay = RETRY_FIRST_DELAY_MS;
  for (;;) {
    try {
      await client.invoker.invoke(ORDER_PROCESSOR_APP_ID, 'orders', HttpMethod.POST, order);
      return;
    } catch (err) {
      const reason = describeFailure(err);
      if (Date.now() + delay > deadline) throw new Error(`order ${JSON.stringify(order)} was not delivered: ${reason}`);
      console.log(`Order ${JSON.stringify(order)} not delivered yet (${reason}), retrying in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
    }
  }
}

async function main(): Promise<void> {
  await waitForSidecar();
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_HTTP_PORT,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: LogLevel.Warn },
  });
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const order: Order = { orderId: i };
    await sendOrder(client, order);
    console.log(`Order passed: ${JSON.stringify(order)}`);
    if (i < ORDER_COUNT) await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
  console.log(`checkout done: ${ORDER_COUNT} orders`);
  await client.stop();
}

main().catch((err: unknown) => {
  console.error(`checkout failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/**
 * @module checkout
 * Service invocation (HTTP): sends 10 orders to order-processor through its own Dapr sidecar, using
 * plain HTTP (axios) and the `dapr-app-id` header. It waits for the sidecar first and retries a
 * failed call with bounded backoff, so it does not matter which app starts first.
 */
import axios, { isAxiosError } from 'axios';

const DAPR_HOST: string = process.env['DAPR_HOST'] ?? 'http://localhost';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
/** The app id to call; the polyglot steps point it at another variant's order-processor. */
const ORDER_PROCESSOR_APP_ID: string = process.env['ORDER_PROCESSOR_APP_ID'] ?? 'order-processor-http';

const SIDECAR_URL = `${DAPR_HOST}:${DAPR_HTTP_PORT}`;
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

/** A short reason for a failed call: `500 ERR_DIRECT_INVOKE`, or the network error code. */
function describeFailure(err: unknown): string {
  if (isAxiosError<{ errorCode?: string }>(err)) {
    if (err.response) return `${err.response.status} ${err.response.data?.errorCode ?? ''}`.trim();
    return err.code ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Sends one order; a failure (for example order-processor not started yet) is retried with backoff. */
async function sendOrder(order: Order): Promise<void> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  let delay = RETRY_FIRST_DELAY_MS;
  for (;;) {
    try {
      // Header form of service invocation: POST <sidecar>/<method> with `dapr-app-id: <target>`.
      await axios.post(`${SIDECAR_URL}/orders`, order, { headers: { 'dapr-app-id': ORDER_PROCESSOR_APP_ID } });
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
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const order: Order = { orderId: i };
    await sendOrder(order);
    console.log(`Order passed: ${JSON.stringify(order)}`);
    if (i < ORDER_COUNT) await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
  console.log(`checkout done: ${ORDER_COUNT} orders`);
}

main().catch((err: unknown) => {
  console.error(`checkout failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

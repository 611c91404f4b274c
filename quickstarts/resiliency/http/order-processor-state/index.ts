/**
 * @module order-processor-state
 * Resiliency (HTTP), service-to-component: saves an order in the `statestore` component and reads
 * it back, every half second, for as long as it runs, through its Dapr sidecar's state API (axios).
 * The sidecar applies the Resiliency policies to the store: while Redis is down it retries each
 * call, and once its circuit breaker is open it fails calls at once. The app then tries the same
 * call again a second later, so no order is skipped, and says when the store is back.
 */
import axios, { isAxiosError } from 'axios';

const DAPR_HOST: string = process.env['DAPR_HOST'] ?? 'http://localhost';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const STATE_STORE_NAME = 'statestore';

const STATE_URL = `${DAPR_HOST}:${DAPR_HTTP_PORT}/v1.0/state/${STATE_STORE_NAME}`;
const PAUSE_BETWEEN_ORDERS_MS = 500;
const PAUSE_AFTER_FAILURE_MS = 1_000;
const READY_TIMEOUT_MS = 60_000;

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (its components are loaded). */
async function waitForSidecar(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await axios.get(`${DAPR_HOST}:${DAPR_HTTP_PORT}/v1.0/healthz/outbound`, { validateStatus: () => true, timeout: 1_000 });
      if (res.status === 204) return;
    } catch {
      // Not listening yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`the Dapr sidecar on port ${DAPR_HTTP_PORT} was not ready within ${READY_TIMEOUT_MS / 1000}s`);
    await sleep(200);
  }
}

/** What the sidecar answered: `500 ERR_STATE_SAVE: <its message>`, or the network error. */
function describeFailure(err: unknown): string {
  if (isAxiosError<{ errorCode?: string; message?: string }>(err)) {
    const body = err.response?.data;
    if (err.response) return `${err.response.status} ${body?.errorCode ?? ''}: ${body?.message ?? ''}`;
    return err.code ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

let failuresInARow = 0;

/** Runs one state call until it succeeds; `what` names it in the log (`Saving`, `Getting`). */
async function untilDone<T>(what: string, order: Order, call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const result = await call();
      if (failuresInARow > 0) console.log(`The state store is back after ${failuresInARow} failed tries`);
      failuresInARow = 0;
      return result;
    } catch (err) {
      failuresInARow++;
      console.log(`${what} order ${JSON.stringify(order)} failed (${describeFailure(err)}), trying again in 1 s`);
      await sleep(PAUSE_AFTER_FAILURE_MS);
    }
  }
}

async function main(): Promise<void> {
  await waitForSidecar();
  for (let i = 1; ; i++) {
    const order: Order = { orderId: i };
    const key = `order-${i}`;
    // No client timeout: while the store is down, the sidecar holds each call and retries it.
    await untilDone('Saving', order, () => axios.post(STATE_URL, [{ key, value: order }]));
    console.log(`Saving Order: ${JSON.stringify(order)}`);
    const saved = await untilDone('Getting', order, async () => (await axios.get<unknown>(`${STATE_URL}/${key}`)).data);
    console.log(`Getting Order: ${JSON.stringify(saved)}`);
    await sleep(PAUSE_BETWEEN_ORDERS_MS);
  }
}

// The app runs until it is stopped: `minidapr stop` and Ctrl-C send a signal, a clean stop (exit 0).
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));

main().catch((err: unknown) => {
  console.error(`order-processor failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

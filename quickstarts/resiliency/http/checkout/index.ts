/**
 * @module checkout
 * Resiliency (HTTP), service-to-app: sends an order to order-processor every second, for as long as
 * it runs, through its own Dapr sidecar (axios and the `dapr-app-id` header). The sidecar applies
 * the Resiliency policies: while order-processor is down it retries each call, and once its circuit
 * breaker is open it fails calls at once. checkout then tries the same order again a second later,
 * so no order is skipped, and says when order-processor is back.
 */
import axios, { isAxiosError } from 'axios';

const DAPR_HOST: string = process.env['DAPR_HOST'] ?? 'http://localhost';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const ORDER_PROCESSOR_APP_ID: string = process.env['ORDER_PROCESSOR_APP_ID'] ?? 'order-processor-http';

const SIDECAR_URL = `${DAPR_HOST}:${DAPR_HTTP_PORT}`;
const PAUSE_MS = 1_000;
const READY_TIMEOUT_MS = 60_000;

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

/** What the sidecar answered: `500 ERR_DIRECT_INVOKE: <its message>`, or the network error. */
function describeFailure(err: unknown): string {
  if (isAxiosError<{ errorCode?: string; message?: string }>(err)) {
    const body = err.response?.data;
    if (err.response) return `${err.response.status} ${body?.errorCode ?? ''}: ${body?.message ?? ''}`;
    return err.code ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Sends one order until it gets through; returns the number of failed tries. */
async function sendOrder(order: Order): Promise<number> {
  for (let failures = 0; ; failures++) {
    try {
      // No client timeout: while order-processor is down, the sidecar holds the call and retries it.
      await axios.post(`${SIDECAR_URL}/orders`, order, { headers: { 'dapr-app-id': ORDER_PROCESSOR_APP_ID } });
      return failures;
    } catch (err) {
      console.log(`Order ${JSON.stringify(order)} not delivered (${describeFailure(err)}), trying again in 1 s`);
      await sleep(PAUSE_MS);
    }
  }
}

async function main(): Promise<void> {
  await waitForSidecar();
  for (let i = 1; ; i++) {
    const order: Order = { orderId: i };
    const failures = await sendOrder(order);
    if (failures > 0) console.log(`order-processor is back after ${failures} failed tries`);
    console.log(`Order passed: ${JSON.stringify(order)}`);
    await sleep(PAUSE_MS);
  }
}

// checkout runs until it is stopped: `minidapr stop` and Ctrl-C send a signal, a clean stop (exit 0).
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));

main().catch((err: unknown) => {
  console.error(`checkout failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/**
 * @module order-processor-state
 * Resiliency (SDK), service-to-component: saves an order in the `statestore` component and reads it
 * back, every half second, for as long as it runs, with the official Dapr JS SDK
 * (`DaprClient.state.save/get`). The sidecar applies the Resiliency policies to the store: while
 * Redis is down it retries each call, and once its circuit breaker is open it fails calls at once.
 * The app then tries the same call again a second later, so no order is skipped, and says when the
 * store is back.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';
import { describeFailure, waitForSidecar } from '../shared/sidecar';

const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const DAPR_HOST = '127.0.0.1';
const STATE_STORE_NAME = 'statestore';

const PAUSE_BETWEEN_ORDERS_MS = 500;
const PAUSE_AFTER_FAILURE_MS = 1_000;

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

async function saveOrder(client: DaprClient, key: string, order: Order): Promise<void> {
  // save() reports a failure in its result instead of throwing: throw it, to try again.
  const res = await client.state.save(STATE_STORE_NAME, [{ key, value: order }]);
  if (res.error) throw res.error;
}

async function main(): Promise<void> {
  await waitForSidecar(DAPR_HOST, DAPR_HTTP_PORT);
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_HTTP_PORT,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    // Warn keeps the SDK's start-up info lines out of the output the README checks.
    logger: { level: LogLevel.Warn },
  });
  for (let i = 1; ; i++) {
    const order: Order = { orderId: i };
    const key = `order-${i}`;
    // While the store is down, the sidecar holds each call and retries it.
    await untilDone('Saving', order, () => saveOrder(client, key, order));
    console.log(`Saving Order: ${JSON.stringify(order)}`);
    const saved = await untilDone('Getting', order, () => client.state.get(STATE_STORE_NAME, key));
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

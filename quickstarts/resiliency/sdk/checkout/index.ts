/**
 * @module checkout
 * Resiliency (SDK), service-to-app: sends an order to order-processor every second, for as long as
 * it runs, through its own Dapr sidecar with the official Dapr JS SDK (`DaprClient.invoker.invoke`).
 * The sidecar applies the Resiliency policies: while order-processor is down it retries each call,
 * and once its circuit breaker is open it fails calls at once. checkout then tries the same order
 * again a second later, so no order is skipped, and says when order-processor is back.
 */
import { CommunicationProtocolEnum, DaprClient, HttpMethod, LogLevel } from '@dapr/dapr';
import { describeFailure, waitForSidecar } from '../shared/sidecar';

const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
const DAPR_HOST = '127.0.0.1';
const ORDER_PROCESSOR_APP_ID: string = process.env['ORDER_PROCESSOR_APP_ID'] ?? 'order-processor-sdk';

const PAUSE_MS = 1_000;

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one order until it gets through; returns the number of failed tries. */
async function sendOrder(client: DaprClient, order: Order): Promise<number> {
  for (let failures = 0; ; failures++) {
    try {
      // While order-processor is down, the sidecar holds the call and retries it.
      await client.invoker.invoke(ORDER_PROCESSOR_APP_ID, 'orders', HttpMethod.POST, order);
      return failures;
    } catch (err) {
      console.log(`Order ${JSON.stringify(order)} not delivered (${describeFailure(err)}), trying again in 1 s`);
      await sleep(PAUSE_MS);
    }
  }
}

async function main(): Promise<void> {
  await waitForSidecar(DAPR_HOST, DAPR_HTTP_PORT);
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_HTTP_PORT,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: LogLevel.Warn },
  });
  for (let i = 1; ; i++) {
    const order: Order = { orderId: i };
    const failures = await sendOrder(client, order);
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

/**
 * @module checkout
 * Service invocation (SDK, gRPC): sends 10 orders to order-processor through its own Dapr sidecar
 * with the official Dapr JS SDK in gRPC mode (`DaprClient.invoker.invoke`, which calls the
 * sidecar's InvokeService RPC). `client.start()` waits for the sidecar, and a failed call is
 * retried with bounded backoff, so it does not matter which app starts first.
 */
import { CommunicationProtocolEnum, DaprClient, HttpMethod, LogLevel } from '@dapr/dapr';

const DAPR_GRPC_PORT: string = process.env['DAPR_GRPC_PORT'] ?? '50001';
const DAPR_HOST = '127.0.0.1';
/** The app id to call; the polyglot steps point it at another variant's order-processor. */
const ORDER_PROCESSOR_APP_ID: string = process.env['ORDER_PROCESSOR_APP_ID'] ?? 'order-processor-sdk-grpc';

const ORDER_COUNT = 10;
const PAUSE_BETWEEN_ORDERS_MS = 250;
const RETRY_FIRST_DELAY_MS = 200;
const RETRY_MAX_DELAY_MS = 2_000;
const RETRY_BUDGET_MS = 60_000;

/** gRPC status names by code (the SDK's errors carry the number). */
const GRPC_CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A short reason for a failed call: `gRPC INTERNAL`, or the error text. */
function describeFailure(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && GRPC_CODES[code]) return `gRPC ${GRPC_CODES[code]}`;
  return err instanceof Error ? err.message : String(err);
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
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_GRPC_PORT,
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    logger: { level: LogLevel.Warn },
  });
  // Polls the sidecar's GetMetadata RPC until it answers.
  await client.start();
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

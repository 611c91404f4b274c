/**
 * @module checkout
 * Pub/sub (SDK, gRPC): publishes 10 orders to the topic `orders` of the pub/sub component
 * `orderpubsub` through its own Dapr sidecar with the official Dapr JS SDK in gRPC mode
 * (`DaprClient.pubsub.publish`, which calls the sidecar's PublishEvent RPC). It does not know who
 * subscribes, or whether anyone is running yet: the broker keeps each order for every subscribing
 * app. `client.start()` waits for the sidecar, and a failed publish is retried with bounded backoff.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';

const DAPR_GRPC_PORT: string = process.env['DAPR_GRPC_PORT'] ?? '50001';
const DAPR_HOST = '127.0.0.1';

const PUBSUB_NAME = 'orderpubsub';
const TOPIC_NAME = 'orders';
const ORDER_COUNT = 10;
const PAUSE_BETWEEN_ORDERS_MS = 250;
const RETRY_FIRST_DELAY_MS = 200;
const RETRY_MAX_DELAY_MS = 2_000;
const RETRY_BUDGET_MS = 30_000;

/** gRPC status names by code (the SDK's errors carry the number). */
const GRPC_CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

interface Order {
  orderId: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A short reason for a failed publish: `gRPC INTERNAL`, or the error text. In gRPC mode the SDK
 * throws `{ error }` when a publish fails (its HTTP mode resolves to `{ error }` instead).
 */
function describeFailure(thrown: unknown): string {
  const err = (thrown as { error?: unknown } | null)?.error ?? thrown;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && GRPC_CODES[code]) return `gRPC ${GRPC_CODES[code]}`;
  return err instanceof Error ? err.message : String(err);
}

/** Publishes one order; a failure is retried with backoff. */
async function publishOrder(client: DaprClient, order: Order): Promise<void> {
  const deadline = Date.now() + RETRY_BUDGET_MS;
  let delay = RETRY_FIRST_DELAY_MS;
  for (;;) {
    let reason: string;
    try {
      const result = await client.pubsub.publish(PUBSUB_NAME, TOPIC_NAME, order);
      if (!result.error) return;
      reason = describeFailure(result);
    } catch (thrown) {
      reason = describeFailure(thrown);
    }
    if (Date.now() + delay > deadline) throw new Error(`order ${JSON.stringify(order)} was not published: ${reason}`);
    console.log(`Order ${JSON.stringify(order)} not published yet (${reason}), retrying in ${delay} ms`);
    await sleep(delay);
    delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
  }
}

async function main(): Promise<void> {
  const client = new DaprClient({
    daprHost: DAPR_HOST,
    daprPort: DAPR_GRPC_PORT,
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    // The SDK logs a failed publish itself at error level; our retry line says what happens next.
    logger: { level: LogLevel.Warn },
  });
  // Polls the sidecar's GetMetadata RPC until it answers (its components are loaded by then).
  await client.start();
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

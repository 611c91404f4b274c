/**
 * @module order-processor
 * Pub/sub (SDK, gRPC): subscribes to the topic `orders` of the pub/sub component `orderpubsub` with
 * the official Dapr JS SDK in gRPC mode (`DaprServer.pubsub.subscribe`) and logs every order it
 * receives. The SDK serves Dapr's AppCallback gRPC service: the sidecar (--app-protocol grpc) asks
 * ListTopicSubscriptions for the subscriptions and delivers each event with OnTopicEvent; the SDK
 * hands the handler the event's `data`.
 */
import { CommunicationProtocolEnum, DaprServer, LogLevel } from '@dapr/dapr';

const APP_PORT: string = process.env['APP_PORT'] ?? '5014';
const DAPR_GRPC_PORT: string = process.env['DAPR_GRPC_PORT'] ?? '50001';
/** The app and its sidecar run on the same machine. */
const HOST = '127.0.0.1';

const PUBSUB_NAME = 'orderpubsub';
const TOPIC_NAME = 'orders';
/** checkout publishes the orders 1 to ORDER_COUNT. */
const ORDER_COUNT = 10;

/** Order ids seen so far. Delivery is at-least-once, so an order may come twice: count each once. */
const received = new Set<number>();
let done = false;

function orderIdOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { orderId?: unknown }).orderId;
  return typeof id === 'number' ? id : undefined;
}

/** Returning normally makes the SDK answer SUCCESS; throwing would make it answer RETRY. */
async function handleOrder(data: unknown): Promise<void> {
  console.log(`Subscriber received: ${JSON.stringify(data)}`);
  const id = orderIdOf(data);
  if (id !== undefined && id >= 1 && id <= ORDER_COUNT) received.add(id);
  if (!done && received.size === ORDER_COUNT) {
    done = true;
    console.log(`pubsub done: ${ORDER_COUNT} orders`);
  }
}

async function main(): Promise<void> {
  const server = new DaprServer({
    serverHost: HOST,
    serverPort: APP_PORT,
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    clientOptions: {
      daprHost: HOST,
      daprPort: DAPR_GRPC_PORT,
      communicationProtocol: CommunicationProtocolEnum.GRPC,
      logger: { level: LogLevel.Warn },
    },
    logger: { level: LogLevel.Warn },
  });
  // Registers the subscription that ListTopicSubscriptions reports, and the handler OnTopicEvent
  // calls for it. Both must exist before start().
  await server.pubsub.subscribe(PUBSUB_NAME, TOPIC_NAME, handleOrder);

  // start() opens the app's gRPC port, then waits until the sidecar answers GetMetadata.
  await server.start();
  console.log(`App listening on port ${APP_PORT}`);

  // `minidapr stop` and Ctrl-C send a signal: stop the SDK server and exit 0 (a clean stop, not a crash).
  const shutdown = (): void => {
    server.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('order-processor failed:', err);
  process.exit(1);
});

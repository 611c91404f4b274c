/**
 * @module order-processor
 * Pub/sub (SDK): subscribes to the topic `orders` of the pub/sub component `orderpubsub` with the
 * official Dapr JS SDK (`DaprServer.pubsub.subscribe`) and logs every order it receives. The SDK
 * serves `GET /dapr/subscribe` and the delivery route itself, unwraps each CloudEvent and hands the
 * handler its `data`.
 */
import { CommunicationProtocolEnum, DaprServer, LogLevel } from '@dapr/dapr';

const APP_PORT: string = process.env['APP_PORT'] ?? '5012';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
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
    clientOptions: {
      daprHost: HOST,
      daprPort: DAPR_HTTP_PORT,
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      logger: { level: LogLevel.Warn },
    },
    logger: { level: LogLevel.Warn },
  });
  // Registers the subscription that GET /dapr/subscribe reports, and the route
  // /orderpubsub--orders--default that receives the events. Both must exist before start().
  await server.pubsub.subscribe(PUBSUB_NAME, TOPIC_NAME, handleOrder);

  // start() opens the app port, then waits until the sidecar answers GET /v1.0/metadata.
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

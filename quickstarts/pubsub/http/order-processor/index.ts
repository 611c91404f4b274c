/**
 * @module order-processor
 * Pub/sub (HTTP): subscribes to the topic `orders` of the pub/sub component `orderpubsub` and logs
 * every order it receives. The sidecar asks for the subscription with `GET /dapr/subscribe` and
 * delivers each event as a CloudEvent with `POST /orders`. With `SUBSCRIPTION_MODE=declarative`
 * the app serves no `/dapr/subscribe`: a `Subscription` resource next to the component tells the
 * sidecar instead.
 */
import bodyParser from 'body-parser';
import express, { type Request, type Response } from 'express';

const APP_PORT: number = Number(process.env['APP_PORT'] ?? '5011');
/** `programmatic` (default): serve GET /dapr/subscribe; `declarative`: a Subscription resource does it. */
const SUBSCRIPTION_MODE: string = process.env['SUBSCRIPTION_MODE'] ?? 'programmatic';

const PUBSUB_NAME = 'orderpubsub';
const TOPIC_NAME = 'orders';
const ROUTE = '/orders';
/** checkout publishes the orders 1 to ORDER_COUNT. */
const ORDER_COUNT = 10;

/** The CloudEvent envelope the sidecar wraps around each published payload (only what is used here). */
interface CloudEvent {
  id?: string;
  topic?: string;
  data?: unknown;
}

/** Order ids seen so far. Delivery is at-least-once, so an order may come twice: count each once. */
const received = new Set<number>();
let done = false;

function orderIdOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { orderId?: unknown }).orderId;
  return typeof id === 'number' ? id : undefined;
}

function handleOrder(req: Request<Record<string, string>, unknown, CloudEvent>, res: Response): void {
  const data = req.body?.data;
  console.log(`Subscriber received: ${JSON.stringify(data)}`);
  const id = orderIdOf(data);
  if (id !== undefined && id >= 1 && id <= ORDER_COUNT) received.add(id);
  if (!done && received.size === ORDER_COUNT) {
    done = true;
    console.log(`pubsub done: ${ORDER_COUNT} orders`);
  }
  // 200 with SUCCESS: the sidecar marks the message as handled and will not deliver it again.
  res.status(200).json({ status: 'SUCCESS' });
}

async function main(): Promise<void> {
  if (SUBSCRIPTION_MODE !== 'programmatic' && SUBSCRIPTION_MODE !== 'declarative') {
    throw new Error(`SUBSCRIPTION_MODE must be "programmatic" or "declarative", got "${SUBSCRIPTION_MODE}"`);
  }
  const app = express();
  // The sidecar sends `application/cloudevents+json`; accept plain JSON too.
  app.use(bodyParser.json({ type: ['application/json', 'application/*+json'] }));
  if (SUBSCRIPTION_MODE === 'programmatic') {
    // Asked once by the sidecar when the app starts: which topics to deliver, and to which route.
    app.get('/dapr/subscribe', (_req, res) => {
      res.json([{ pubsubname: PUBSUB_NAME, topic: TOPIC_NAME, route: ROUTE }]);
    });
  }
  app.post(ROUTE, handleOrder);

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(APP_PORT, () => resolve(s)).once('error', reject);
  });
  console.log(`App listening on port ${APP_PORT}`);
  if (SUBSCRIPTION_MODE === 'declarative') console.log('No /dapr/subscribe route: the sidecar subscribes from its Subscription resource');

  // `minidapr stop` and Ctrl-C send a signal: close the server and exit 0 (a clean stop, not a crash).
  const shutdown = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`order-processor failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

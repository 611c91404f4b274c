/**
 * @module order-processor
 * Resiliency (SDK), service-to-app: the app checkout calls. It receives orders on `POST /orders`,
 * registered with the official Dapr JS SDK (`DaprServer.invoker.listen`); the README stops it and
 * starts it again to simulate an outage.
 */
import { CommunicationProtocolEnum, DaprServer, HttpMethod, LogLevel, type DaprInvokerCallbackContent } from '@dapr/dapr';

const APP_PORT: string = process.env['APP_PORT'] ?? '5022';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
/** The app and its sidecar run on the same machine. */
const HOST = '127.0.0.1';

/** The SDK passes the request body as a JSON string; parse it and log it compactly. */
async function handleOrder(request: DaprInvokerCallbackContent): Promise<void> {
  const order: unknown = JSON.parse(request.body ?? 'null');
  console.log(`Order received: ${JSON.stringify(order)}`);
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
  await server.invoker.listen('orders', handleOrder, { method: HttpMethod.POST });

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

/**
 * @module nodeapp
 * hello-dapr-slim (SDK): the same `POST /neworder` method as the HTTP variant, registered with the
 * official Dapr JS SDK (`DaprServer.invoker.listen`) instead of an Express route.
 */
import { CommunicationProtocolEnum, DaprServer, HttpMethod, LogLevel, type DaprInvokerCallbackContent } from '@dapr/dapr';

const APP_PORT: string = process.env['APP_PORT'] ?? '3000';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
/** The app and its sidecar run on the same machine. */
const HOST = '127.0.0.1';

/** What `sample.json` holds: `{"data": {"orderId": "41"}}`. */
interface NewOrderRequest {
  data?: { orderId?: string };
}

/**
 * The SDK hands the callback the request body as a JSON *string* (it re-serialises what its own
 * body parser read), so parse it first. Whatever the callback returns, the SDK sends back
 * JSON-encoded: a string reply arrives in quotes.
 */
async function handleNewOrder(request: DaprInvokerCallbackContent): Promise<string> {
  const body = JSON.parse(request.body ?? '{}') as NewOrderRequest | null;
  const orderId = body?.data?.orderId;
  // The SDK always replies 200, so a bad request can only be answered with a hint.
  if (orderId === undefined) return 'Expected a JSON body like {"data": {"orderId": "41"}}';
  const message = `Got a new order! Order ID: ${orderId}`;
  console.log(message);
  return message;
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
  await server.invoker.listen('neworder', handleNewOrder, { method: HttpMethod.POST });

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
  console.error('nodeapp failed:', err);
  process.exit(1);
});

/**
 * @module order-processor
 * Service invocation (SDK, gRPC): receives orders on the method `orders`, registered with the
 * official Dapr JS SDK (`DaprServer.invoker.listen`) in gRPC mode. The SDK serves Dapr's
 * AppCallback gRPC service on the app port; the sidecar (started with --app-protocol grpc) calls
 * its OnInvoke for every order. Callers reach it through their own Dapr sidecar.
 */
import { CommunicationProtocolEnum, DaprServer, HttpMethod, LogLevel, type DaprInvokerCallbackContent } from '@dapr/dapr';

const APP_PORT: string = process.env['APP_PORT'] ?? '5007';
const DAPR_GRPC_PORT: string = process.env['DAPR_GRPC_PORT'] ?? '50001';
/** The app and its sidecar run on the same machine. */
const HOST = '127.0.0.1';

/**
 * The SDK passes the request body as a JSON string; parse it and log it compactly. The answer goes
 * back as JSON: the SDK's gRPC client parses every answer as JSON, so an empty one would fail.
 */
async function handleOrder(request: DaprInvokerCallbackContent): Promise<unknown> {
  const order: unknown = JSON.parse(request.body ?? 'null');
  console.log(`Order received: ${JSON.stringify(order)}`);
  return order;
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
  // OnInvoke keys handlers by verb and method: the caller's POST reaches this one.
  await server.invoker.listen('orders', handleOrder, { method: HttpMethod.POST });

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

/**
 * @module order-processor
 * Resiliency (HTTP), service-to-app: the app checkout calls. It receives orders on `POST /orders`
 * through its Dapr sidecar; the README stops it and starts it again to simulate an outage.
 */
import bodyParser from 'body-parser';
import express, { type Request, type Response } from 'express';

const APP_PORT: number = Number(process.env['APP_PORT'] ?? '5021');

function handleOrder(req: Request<Record<string, string>, never, unknown>, res: Response): void {
  console.log(`Order received: ${JSON.stringify(req.body)}`);
  res.sendStatus(200);
}

async function main(): Promise<void> {
  const app = express();
  app.use(bodyParser.json());
  app.post('/orders', handleOrder);

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(APP_PORT, () => resolve(s)).once('error', reject);
  });
  console.log(`App listening on port ${APP_PORT}`);

  // `minidapr stop` and Ctrl-C send a signal: close the server and exit 0 (a clean stop, not a crash).
  const shutdown = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('order-processor failed:', err);
  process.exit(1);
});

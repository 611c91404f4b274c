/**
 * @module nodeapp
 * hello-dapr-slim (HTTP): an Express app with one method, `POST /neworder`, that the Dapr sidecar
 * invokes on behalf of callers (`minidapr invoke`, curl through port 3500, another app).
 */
import bodyParser from 'body-parser';
import express, { type Request, type Response } from 'express';

const APP_PORT: number = Number(process.env['APP_PORT'] ?? '3000');

/** What `sample.json` holds: `{"data": {"orderId": "41"}}`. */
interface NewOrderRequest {
  data?: { orderId?: string };
}

function handleNewOrder(req: Request<Record<string, string>, string, NewOrderRequest | undefined>, res: Response<string>): void {
  const orderId = req.body?.data?.orderId;
  if (orderId === undefined) {
    res.status(400).type('text/plain').send('Expected a JSON body like {"data": {"orderId": "41"}}');
    return;
  }
  const message = `Got a new order! Order ID: ${orderId}`;
  console.log(message);
  res.status(200).type('text/plain').send(message);
}

async function main(): Promise<void> {
  const app = express();
  app.use(bodyParser.json());
  app.post('/neworder', handleNewOrder);

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
  console.error('nodeapp failed:', err);
  process.exit(1);
});

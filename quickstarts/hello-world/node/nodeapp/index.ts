/**
 * @module nodeapp
 * hello-world (Node.js): an Express app with two methods that the Dapr sidecar invokes for callers.
 * `POST /neworder` keeps the order in the `statestore` component through the sidecar's state API;
 * `GET /order` returns the last order kept there. `GET /ports` shows where it finds its sidecar
 * (hello-kubernetes checks it after a port-forward).
 */
import bodyParser from 'body-parser';
import express, { type Request, type Response } from 'express';

const APP_PORT: number = Number(process.env['APP_PORT'] ?? '3000');
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3500';
/** The sidecar's HTTP API: DAPR_HTTP_ENDPOINT when set (as Dapr's SDKs read it), else localhost:DAPR_HTTP_PORT. */
const DAPR_HTTP_ENDPOINT: string = process.env['DAPR_HTTP_ENDPOINT'] ?? `http://localhost:${DAPR_HTTP_PORT}`;
/** Reported by `GET /ports` only: nodeapp makes no gRPC calls. */
const DAPR_GRPC_ENDPOINT: string = process.env['DAPR_GRPC_ENDPOINT'] ?? `http://localhost:${process.env['DAPR_GRPC_PORT'] ?? '50001'}`;
const STATE_STORE_NAME: string = process.env['STATE_STORE_NAME'] ?? 'statestore';
/** Every new order overwrites this one key, so the store holds the latest order. */
const ORDER_KEY = 'order';

const STATE_URL = `${DAPR_HTTP_ENDPOINT}/v1.0/state/${STATE_STORE_NAME}`;

/** What callers send: `{"data": {"orderId": "42"}}` (sample.json) or `{"data": {"orderId": 1}}` (pythonapp). */
interface NewOrderRequest {
  data?: { orderId?: string | number };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Saves `[{key: "order", value: data}]`: the state API takes a list of key/value pairs. */
async function persistOrder(data: unknown): Promise<void> {
  const res = await fetch(STATE_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([{ key: ORDER_KEY, value: data }]),
  });
  if (!res.ok) throw new Error(`the state store answered ${res.status}: ${await res.text()}`);
}

async function handleNewOrder(req: Request<Record<string, string>, unknown, NewOrderRequest | undefined>, res: Response): Promise<void> {
  const data = req.body?.data;
  if (data?.orderId === undefined) {
    res.status(400).json({ message: 'Expected a JSON body like {"data": {"orderId": "42"}}' });
    return;
  }
  console.log(`Got a new order! Order ID: ${data.orderId}`);
  try {
    await persistOrder(data);
  } catch (err) {
    console.error(`Failed to persist state for Order ID: ${data.orderId}: ${reason(err)}`);
    res.status(500).json({ message: 'Failed to persist state.' });
    return;
  }
  console.log(`Successfully persisted state for Order ID: ${data.orderId}`);
  res.status(200).end();
}

/** Relays the stored JSON as it is, e.g. `{"orderId":"42"}`; the sidecar answers 204 while there is none. */
async function handleGetOrder(_req: Request, res: Response): Promise<void> {
  try {
    const state = await fetch(`${STATE_URL}/${ORDER_KEY}`);
    if (!state.ok) throw new Error(`the state store answered ${state.status}: ${await state.text()}`);
    if (state.status === 204) {
      res.status(404).json({ message: 'No order yet.' });
      return;
    }
    res.status(200).type('application/json').send(await state.text());
  } catch (err) {
    console.error(`Could not get state: ${reason(err)}`);
    res.status(500).json({ message: 'Could not get state.' });
  }
}

/** Where this app finds its sidecar, e.g. `{"DAPR_HTTP_ENDPOINT":"http://localhost:3500",...}`. */
function handlePorts(_req: Request, res: Response): void {
  console.log(`DAPR_HTTP_ENDPOINT: ${DAPR_HTTP_ENDPOINT}`);
  console.log(`DAPR_GRPC_ENDPOINT: ${DAPR_GRPC_ENDPOINT}`);
  res.status(200).json({ DAPR_HTTP_ENDPOINT, DAPR_GRPC_ENDPOINT });
}

async function main(): Promise<void> {
  const app = express();
  app.use(bodyParser.json());
  app.post('/neworder', (req, res) => void handleNewOrder(req, res));
  app.get('/order', (req, res) => void handleGetOrder(req, res));
  app.get('/ports', handlePorts);

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(APP_PORT, () => resolve(s)).once('error', reject);
  });
  console.log(`Node App listening on port ${APP_PORT}`);

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

/**
 * @module batch
 * Bindings (HTTP): every time the input binding `cron` fires, the sidecar calls `POST /cron`; the
 * app then reads the orders of `orders.json` and writes each one to a database through the output
 * binding `sqldb` (`POST /v1.0/bindings/sqldb`, operation `exec`). The SQL is an upsert with
 * parameters: running the same batch again changes nothing, so the table always holds 3 rows.
 * At start-up the app waits for its sidecar and creates the table if it does not exist yet.
 * Plain HTTP (express + axios), no Dapr SDK.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import axios, { isAxiosError } from 'axios';
import express, { type Request, type Response } from 'express';

const APP_PORT: number = Number(process.env['APP_PORT'] ?? '5004');
const DAPR_HOST: string = process.env['DAPR_HOST'] ?? 'http://localhost';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3604';
/** The orders file shared by the three variants (quickstarts/bindings/orders.json). */
const ORDERS_FILE: string = process.env['ORDERS_FILE'] ?? resolve(__dirname, '../../../orders.json');

const CRON_BINDING = 'cron';
const SQL_BINDING = 'sqldb';
const SIDECAR_URL = `${DAPR_HOST}:${DAPR_HTTP_PORT}`;
const SQL_BINDING_URL = `${SIDECAR_URL}/v1.0/bindings/${SQL_BINDING}`;
const READY_TIMEOUT_MS = 60_000;

/** Valid in SQLite and PostgreSQL alike, so the same app works with both components. */
const CREATE_TABLE_SQL =
  'CREATE TABLE IF NOT EXISTS orders (orderid integer PRIMARY KEY, customer text NOT NULL, price double precision NOT NULL)';
/** Values travel as parameters ($1, $2, $3), never spliced into the SQL text. */
const UPSERT_SQL =
  'INSERT INTO orders (orderid, customer, price) VALUES ($1, $2, $3) ON CONFLICT (orderid) DO UPDATE SET customer = excluded.customer, price = excluded.price';

interface Order {
  orderid: number;
  customer: string;
  price: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (its components are loaded). */
async function waitForSidecar(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await axios.get(`${SIDECAR_URL}/v1.0/healthz/outbound`, { validateStatus: () => true, timeout: 1_000 });
      if (res.status === 204) return;
    } catch {
      // Not listening yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`the Dapr sidecar at ${SIDECAR_URL} was not ready within ${READY_TIMEOUT_MS / 1000}s`);
    await sleep(200);
  }
}

/** A short reason for a failed call: `500 ERR_INVOKE_OUTPUT_BINDING: <message>`, or the network error. */
function describeFailure(err: unknown): string {
  if (isAxiosError<{ errorCode?: string; message?: string }>(err)) {
    if (err.response) return `${err.response.status} ${err.response.data?.errorCode ?? ''}: ${err.response.data?.message ?? ''}`;
    return err.code ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs one SQL statement with the output binding's `exec` operation. */
async function exec(sql: string, params: readonly unknown[] = []): Promise<void> {
  const metadata: Record<string, string> = { sql };
  // `params` is a JSON array in a string: binding metadata values are always strings.
  if (params.length > 0) metadata['params'] = JSON.stringify(params);
  await axios.post(SQL_BINDING_URL, { operation: 'exec', metadata });
}

function readOrders(): Order[] {
  return (JSON.parse(readFileSync(ORDERS_FILE, 'utf8')) as { orders: Order[] }).orders;
}

let batch = 0;

/** One cron tick: upsert every order, one statement each, and answer 200 only when all are written. */
async function processBatch(_req: Request, res: Response): Promise<void> {
  batch += 1;
  const n = batch;
  try {
    const orders = readOrders();
    console.log(`Processing batch ${n}: ${orders.length} orders from orders.json`);
    for (const order of orders) {
      const params = [order.orderid, order.customer, order.price];
      console.log(`${UPSERT_SQL} with params ${JSON.stringify(params)}`);
      await exec(UPSERT_SQL, params);
    }
    console.log(`Finished processing batch ${n}`);
    res.sendStatus(200);
  } catch (err) {
    // A non-2xx answer tells the sidecar the event failed: it delivers it again (a few attempts), then waits for the next tick.
    console.log(`Batch ${n} failed: ${describeFailure(err)}`);
    res.sendStatus(500);
  }
}

async function main(): Promise<void> {
  await waitForSidecar();
  await exec(CREATE_TABLE_SQL);
  console.log('Table orders is ready');

  const app = express();
  // The sidecar calls POST /<binding name> on every tick (a cron event has an empty body).
  app.post(`/${CRON_BINDING}`, (req, res) => void processBatch(req, res));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(APP_PORT, () => resolve(s)).once('error', reject);
  });
  console.log(`batch listening on port ${APP_PORT}`);

  // `minidapr stop` and Ctrl-C send a signal: close the server and exit 0 (a clean stop, not a crash).
  const shutdown = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`batch failed: ${describeFailure(err)}`);
  process.exit(1);
});

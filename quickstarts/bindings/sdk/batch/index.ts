/**
 * @module batch
 * Bindings (SDK): every time the input binding `cron` fires, the sidecar calls the app, and the
 * handler registered with `DaprServer.binding.receive` reads the orders of `orders.json` and writes
 * each one to a database with `DaprClient.binding.send` on the output binding `sqldb` (operation
 * `exec`), awaiting every call. The SQL is an upsert with parameters: running the same batch again
 * changes nothing, so the table always holds 3 rows. At start-up the app waits for its sidecar and
 * creates the table if it does not exist yet. Uses the official Dapr JS SDK.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommunicationProtocolEnum, DaprServer, LogLevel } from '@dapr/dapr';

const APP_PORT: string = process.env['APP_PORT'] ?? '5005';
const DAPR_HTTP_PORT: string = process.env['DAPR_HTTP_PORT'] ?? '3605';
/** The app and its sidecar run on the same machine. */
const HOST = '127.0.0.1';
/** The orders file shared by the three variants (quickstarts/bindings/orders.json). */
const ORDERS_FILE: string = process.env['ORDERS_FILE'] ?? resolve(__dirname, '../../../orders.json');

const CRON_BINDING = 'cron';
const SQL_BINDING = 'sqldb';
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
  const url = `http://${HOST}:${DAPR_HTTP_PORT}/v1.0/healthz/outbound`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 204) return;
    } catch {
      // Not listening yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`the Dapr sidecar on port ${DAPR_HTTP_PORT} was not ready within ${READY_TIMEOUT_MS / 1000}s`);
    await sleep(200);
  }
}

/**
 * A short reason for a failed call: `500 ERR_INVOKE_OUTPUT_BINDING: <message>`, or the network error.
 * The SDK reports an HTTP error as an Error whose message is JSON: `{"error_msg": "<body>", "status": 500}`.
 */
function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const details = JSON.parse(message) as { status?: number; error_msg?: string };
    const body = JSON.parse(details.error_msg ?? '{}') as { errorCode?: string; message?: string };
    return `${details.status ?? ''} ${body.errorCode ?? ''}: ${body.message ?? ''}`;
  } catch {
    return message;
  }
}

function readOrders(): Order[] {
  return (JSON.parse(readFileSync(ORDERS_FILE, 'utf8')) as { orders: Order[] }).orders;
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
    // Warn keeps the SDK's start-up info lines out of the output the README checks.
    logger: { level: LogLevel.Warn },
  });
  const client = server.client;

  /** Runs one SQL statement with the output binding's `exec` operation; metadata values are strings. */
  const exec = async (sql: string, params: readonly unknown[] = []): Promise<void> => {
    const metadata: Record<string, string> = { sql };
    if (params.length > 0) metadata['params'] = JSON.stringify(params);
    await client.binding.send(SQL_BINDING, 'exec', undefined, metadata);
  };

  let batch = 0;
  /** One cron tick. Returning makes the SDK answer 200; throwing makes it answer 500. */
  const processBatch = async (): Promise<void> => {
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
    } catch (err) {
      // The 500 tells the sidecar the event failed: it delivers it again (a few attempts), then waits for the next tick.
      console.log(`Batch ${n} failed: ${describeFailure(err)}`);
      throw err;
    }
  };

  try {
    await waitForSidecar();
    await exec(CREATE_TABLE_SQL);
  } catch (err) {
    throw new Error(describeFailure(err));
  }
  console.log('Table orders is ready');

  // Registers POST /cron (and OPTIONS /cron) on the app's server; it must exist before start().
  await server.binding.receive(CRON_BINDING, processBatch);
  // start() opens the app port, then waits until the sidecar answers GET /v1.0/metadata.
  await server.start();
  console.log(`batch listening on port ${APP_PORT}`);

  // `minidapr stop` and Ctrl-C send a signal: stop the SDK server and exit 0 (a clean stop, not a crash).
  const shutdown = (): void => {
    server.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(`batch failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

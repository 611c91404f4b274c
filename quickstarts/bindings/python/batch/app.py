"""Bindings (Python): every time the input binding `cron` fires, the sidecar calls POST /cron; the
app then reads the orders of `orders.json` and writes each one to a database through the output
binding `sqldb` (POST /v1.0/bindings/sqldb, operation `exec`). The SQL is an upsert with
parameters: running the same batch again changes nothing, so the table always holds 3 rows.
At start-up the app waits for its sidecar and creates the table if it does not exist yet.
Standard library only (http.server, urllib): nothing to pip install, and no database driver
either, for SQLite or PostgreSQL: the sidecar talks to the database.
"""

import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List, Optional

APP_PORT: int = int(os.environ.get("APP_PORT", "5006"))
DAPR_HOST: str = os.environ.get("DAPR_HOST", "http://localhost")
DAPR_HTTP_PORT: str = os.environ.get("DAPR_HTTP_PORT", "3606")
# The orders file shared by the three variants (quickstarts/bindings/orders.json).
ORDERS_FILE: str = os.environ.get(
    "ORDERS_FILE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "orders.json")
)

CRON_BINDING = "cron"
SQL_BINDING = "sqldb"
SIDECAR_URL = f"{DAPR_HOST}:{DAPR_HTTP_PORT}"
SQL_BINDING_URL = f"{SIDECAR_URL}/v1.0/bindings/{SQL_BINDING}"
READY_TIMEOUT_S = 60.0

# Valid in SQLite and PostgreSQL alike, so the same app works with both components.
CREATE_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS orders (orderid integer PRIMARY KEY, customer text NOT NULL, price double precision NOT NULL)"
)
# Values travel as parameters ($1, $2, $3), never spliced into the SQL text.
UPSERT_SQL = (
    "INSERT INTO orders (orderid, customer, price) VALUES ($1, $2, $3)"
    " ON CONFLICT (orderid) DO UPDATE SET customer = excluded.customer, price = excluded.price"
)

batch = 0
batch_lock = threading.Lock()


def log(line: str) -> None:
    # stdout is a pipe under `minidapr run`: flush so lines show up at once.
    print(line, flush=True)


def compact(value: object) -> str:
    """JSON without spaces, the same text JSON.stringify prints in the Node.js variants."""
    return json.dumps(value, separators=(",", ":"))


def wait_for_sidecar() -> None:
    """Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (its components are loaded)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{SIDECAR_URL}/v1.0/healthz/outbound", timeout=1) as res:
                if res.status == 204:
                    return
        except OSError:
            pass  # not listening yet, or not ready (HTTPError is an OSError too): keep polling
        if time.monotonic() >= deadline:
            raise RuntimeError(f"the Dapr sidecar at {SIDECAR_URL} was not ready within {READY_TIMEOUT_S:.0f}s")
        time.sleep(0.2)


def describe_failure(err: Exception) -> str:
    """A short reason for a failed call: `500 ERR_INVOKE_OUTPUT_BINDING: <message>`, or the network error."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            body = json.loads(err.read() or b"{}")
        except ValueError:
            body = {}
        return f"{err.code} {body.get('errorCode', '')}: {body.get('message', '')}"
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err)


def exec_sql(sql: str, params: Optional[List[object]] = None) -> None:
    """Runs one SQL statement with the output binding's `exec` operation."""
    metadata = {"sql": sql}
    if params:
        # `params` is a JSON array in a string: binding metadata values are always strings.
        metadata["params"] = compact(params)
    body = compact({"operation": "exec", "metadata": metadata}).encode("utf-8")
    req = urllib.request.Request(
        SQL_BINDING_URL, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        res.read()


def read_orders() -> List[dict]:
    with open(ORDERS_FILE, encoding="utf-8") as f:
        return json.load(f)["orders"]


def process_batch() -> bool:
    """One cron tick: upsert every order, one statement each. True when all are written."""
    global batch
    with batch_lock:
        batch += 1
        n = batch
        try:
            orders = read_orders()
            log(f"Processing batch {n}: {len(orders)} orders from orders.json")
            for order in orders:
                params = [order["orderid"], order["customer"], order["price"]]
                log(f"{UPSERT_SQL} with params {compact(params)}")
                exec_sql(UPSERT_SQL, params)
            log(f"Finished processing batch {n}")
            return True
        except (OSError, ValueError, KeyError) as err:
            # A non-2xx answer tells the sidecar the event failed: it delivers it again (a few attempts),
            # then waits for the next tick.
            log(f"Batch {n} failed: {describe_failure(err)}")
            return False


class Handler(BaseHTTPRequestHandler):
    def do_OPTIONS(self) -> None:
        # The sidecar may ask first whether the app takes the binding's events (2xx: yes).
        self.reply(200 if self.path.split("?")[0] == f"/{CRON_BINDING}" else 404)

    def do_POST(self) -> None:
        if self.path.split("?")[0] != f"/{CRON_BINDING}":
            self.reply(404)
            return
        # A cron event has an empty body; read whatever came so the connection stays usable.
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.reply(200 if process_batch() else 500)

    def reply(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # no access log: keep the output to the lines the README checks


def main() -> None:
    try:
        wait_for_sidecar()
        exec_sql(CREATE_TABLE_SQL)
    except (OSError, RuntimeError) as err:
        print(f"batch failed: {describe_failure(err)}", file=sys.stderr, flush=True)
        sys.exit(1)
    log("Table orders is ready")

    server = ThreadingHTTPServer(("", APP_PORT), Handler)
    server.daemon_threads = True
    # `minidapr stop` and Ctrl-C send a signal: exit 0 (a clean stop, not a crash).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"batch listening on port {APP_PORT}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl-C
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

"""Pub/sub (Python): order-processor subscribes to the topic `orders` of the pub/sub component
`orderpubsub` and logs every order it receives. The sidecar asks for the subscription with
GET /dapr/subscribe and delivers each event as a CloudEvent with POST /orders. With
SUBSCRIPTION_MODE=declarative the app serves no /dapr/subscribe: a Subscription resource next to
the component tells the sidecar instead. Standard library only (http.server): nothing to pip install.
"""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

APP_PORT: int = int(os.environ.get("APP_PORT", "5013"))
# `programmatic` (default): serve GET /dapr/subscribe; `declarative`: a Subscription resource does it.
SUBSCRIPTION_MODE: str = os.environ.get("SUBSCRIPTION_MODE", "programmatic")

PUBSUB_NAME = "orderpubsub"
TOPIC_NAME = "orders"
ROUTE = "/orders"
# checkout publishes the orders 1 to ORDER_COUNT.
ORDER_COUNT = 10

# Order ids seen so far. Delivery is at-least-once, so an order may come twice: count each once.
# Deliveries can arrive in parallel (one thread each), hence the lock.
received: set = set()
done = False
lock = threading.Lock()


def log(line: str) -> None:
    # stdout is a pipe under `minidapr run`: flush so lines show up at once.
    print(line, flush=True)


def compact(value: object) -> str:
    """JSON without spaces, the same text JSON.stringify prints in the Node.js variants."""
    return json.dumps(value, separators=(",", ":"))


def order_id_of(data: object) -> Optional[int]:
    if isinstance(data, dict):
        order_id = data.get("orderId")
        if isinstance(order_id, int) and not isinstance(order_id, bool):
            return order_id
    return None


def handle_order(event: object) -> None:
    global done
    # The sidecar wraps the published payload in a CloudEvent: the order is its `data` field.
    data = event.get("data") if isinstance(event, dict) else None
    with lock:
        log(f"Subscriber received: {compact(data)}")
        order_id = order_id_of(data)
        if order_id is not None and 1 <= order_id <= ORDER_COUNT:
            received.add(order_id)
        if not done and len(received) == ORDER_COUNT:
            done = True
            log(f"pubsub done: {ORDER_COUNT} orders")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if SUBSCRIPTION_MODE == "programmatic" and self.path.split("?")[0] == "/dapr/subscribe":
            # Asked once by the sidecar when the app starts: which topics to deliver, and to which route.
            self.reply(200, [{"pubsubname": PUBSUB_NAME, "topic": TOPIC_NAME, "route": ROUTE}])
            return
        self.reply(404)

    def do_POST(self) -> None:
        if self.path.split("?")[0] != ROUTE:
            self.reply(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            event = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            # Not JSON, so not a CloudEvent: retrying would not help, ask the sidecar to drop it.
            self.reply(200, {"status": "DROP"})
            return
        handle_order(event)
        # 200 with SUCCESS: the sidecar marks the message as handled and will not deliver it again.
        self.reply(200, {"status": "SUCCESS"})

    def reply(self, status: int, body: object = None) -> None:
        payload = b"" if body is None else compact(body).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass  # no access log: keep the output to the lines the README checks


def main() -> None:
    if SUBSCRIPTION_MODE not in ("programmatic", "declarative"):
        print(f'order-processor failed: SUBSCRIPTION_MODE must be "programmatic" or "declarative", got "{SUBSCRIPTION_MODE}"', file=sys.stderr, flush=True)
        sys.exit(1)
    server = ThreadingHTTPServer(("", APP_PORT), Handler)
    server.daemon_threads = True
    # `minidapr stop` sends SIGTERM: leave serve_forever() and exit 0 (a clean stop, not a crash).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"App listening on port {APP_PORT}")
    if SUBSCRIPTION_MODE == "declarative":
        log("No /dapr/subscribe route: the sidecar subscribes from its Subscription resource")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl-C
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

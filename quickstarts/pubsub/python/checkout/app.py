"""Pub/sub (Python): checkout publishes 10 orders to the topic `orders` of the pub/sub component
`orderpubsub` through its own Dapr sidecar, with urllib: POST /v1.0/publish/orderpubsub/orders.
It does not know who subscribes, or whether anyone is running yet: the broker keeps each order for
every subscribing app. It waits for the sidecar first and retries a failed publish with bounded
backoff. Standard library only: nothing to pip install.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

DAPR_HOST: str = os.environ.get("DAPR_HOST", "http://localhost")
DAPR_HTTP_PORT: str = os.environ.get("DAPR_HTTP_PORT", "3500")

PUBSUB_NAME = "orderpubsub"
TOPIC_NAME = "orders"
SIDECAR_URL = f"{DAPR_HOST}:{DAPR_HTTP_PORT}"
PUBLISH_URL = f"{SIDECAR_URL}/v1.0/publish/{PUBSUB_NAME}/{TOPIC_NAME}"
ORDER_COUNT = 10
PAUSE_BETWEEN_ORDERS_S = 0.25
READY_TIMEOUT_S = 60.0
RETRY_FIRST_DELAY_S = 0.2
RETRY_MAX_DELAY_S = 2.0
RETRY_BUDGET_S = 30.0


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


def describe_failure(err: OSError) -> str:
    """A short reason for a failed call: `500 ERR_PUBSUB_PUBLISH_MESSAGE`, or the network error."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            code = json.loads(err.read() or b"{}").get("errorCode", "")
        except (ValueError, AttributeError):
            code = ""
        return f"{err.code} {code}".strip()
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err)


def publish_order(order: dict) -> None:
    """Publishes one order (the sidecar answers 204 once the broker has it); a failure is retried with backoff."""
    request = urllib.request.Request(
        PUBLISH_URL,
        data=compact(order).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    deadline = time.monotonic() + RETRY_BUDGET_S
    delay = RETRY_FIRST_DELAY_S
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10):
                return
        except OSError as err:
            reason = describe_failure(err)
            if time.monotonic() + delay > deadline:
                raise RuntimeError(f"order {compact(order)} was not published: {reason}") from err
            log(f"Order {compact(order)} not published yet ({reason}), retrying in {round(delay * 1000)} ms")
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)


def main() -> None:
    wait_for_sidecar()
    for i in range(1, ORDER_COUNT + 1):
        order = {"orderId": i}
        publish_order(order)
        log(f"Published data: {compact(order)}")
        if i < ORDER_COUNT:
            time.sleep(PAUSE_BETWEEN_ORDERS_S)
    log(f"checkout done: {ORDER_COUNT} orders")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as err:
        print(f"checkout failed: {err}", file=sys.stderr, flush=True)
        sys.exit(1)

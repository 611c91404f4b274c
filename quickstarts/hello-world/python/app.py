"""hello-world (Python): pythonapp sends new orders to nodeapp once a second, through its own Dapr
sidecar, with urllib and the `dapr-app-id` header. It waits for the sidecar first and retries a
failed call with bounded backoff, so it does not matter which app starts first.
Standard library only: nothing to pip install.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

DAPR_HOST: str = os.environ.get("DAPR_HOST", "http://localhost")
DAPR_HTTP_PORT: str = os.environ.get("DAPR_HTTP_PORT", "3500")
# How many orders to send before exiting (the README sends 5); 0 sends forever, like Dapr's original
# (the compose file and the Kubernetes manifests do that).
ORDER_COUNT: int = int(os.environ.get("ORDER_COUNT", "10"))
NODEAPP_APP_ID = "nodeapp"

# The sidecar's HTTP API: DAPR_HTTP_ENDPOINT when set (as Dapr's SDKs read it), else DAPR_HOST:DAPR_HTTP_PORT.
SIDECAR_URL: str = os.environ.get("DAPR_HTTP_ENDPOINT", f"{DAPR_HOST}:{DAPR_HTTP_PORT}")
PAUSE_BETWEEN_ORDERS_S = 1.0
READY_TIMEOUT_S = 60.0
RETRY_FIRST_DELAY_S = 0.2
RETRY_MAX_DELAY_S = 2.0
RETRY_BUDGET_S = 60.0


def log(line: str) -> None:
    # stdout is a pipe under `minidapr run`: flush so lines show up at once.
    print(line, flush=True)


def compact(value: object) -> str:
    """JSON without spaces, the same text JSON.stringify prints in Node.js."""
    return json.dumps(value, separators=(",", ":"))


def wait_for_sidecar() -> None:
    """Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (ready to call other apps)."""
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
    """A short reason for a failed call: `500 ERR_DIRECT_INVOKE`, or the network error."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            code = json.loads(err.read() or b"{}").get("errorCode", "")
        except (ValueError, AttributeError):
            code = ""
        return f"{err.code} {code}".strip()
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err)


def send_order(order: dict) -> None:
    """Invokes nodeapp's `neworder`; a failure (for example nodeapp not started yet) is retried with backoff."""
    # Header form of service invocation: POST <sidecar>/<method> with `dapr-app-id: <target>`.
    request = urllib.request.Request(
        f"{SIDECAR_URL}/neworder",
        data=compact({"data": order}).encode("utf-8"),
        headers={"Content-Type": "application/json", "dapr-app-id": NODEAPP_APP_ID},
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
                raise RuntimeError(f"order {compact(order)} was not delivered: {reason}") from err
            log(f"Order {compact(order)} not delivered yet ({reason}), retrying in {round(delay * 1000)} ms")
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)


def main() -> None:
    wait_for_sidecar()
    n = 0
    while ORDER_COUNT <= 0 or n < ORDER_COUNT:
        if n > 0:
            time.sleep(PAUSE_BETWEEN_ORDERS_S)
        n += 1
        order = {"orderId": n}
        send_order(order)
        log(f"Order passed: {compact(order)}")
    log(f"pythonapp done: {ORDER_COUNT} orders")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as err:
        print(f"pythonapp failed: {err}", file=sys.stderr, flush=True)
        sys.exit(1)

"""Resiliency (Python), service-to-app: checkout sends an order to order-processor every second, for
as long as it runs, through its own Dapr sidecar (urllib and the `dapr-app-id` header). The sidecar
applies the Resiliency policies: while order-processor is down it retries each call, and once its
circuit breaker is open it fails calls at once. checkout then tries the same order again a second
later, so no order is skipped, and says when order-processor is back.
Standard library only: nothing to pip install.
"""

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

DAPR_HOST: str = os.environ.get("DAPR_HOST", "http://localhost")
DAPR_HTTP_PORT: str = os.environ.get("DAPR_HTTP_PORT", "3500")
ORDER_PROCESSOR_APP_ID: str = os.environ.get("ORDER_PROCESSOR_APP_ID", "order-processor-py")

SIDECAR_URL = f"{DAPR_HOST}:{DAPR_HTTP_PORT}"
PAUSE_S = 1.0
READY_TIMEOUT_S = 60.0
# While order-processor is down, the sidecar holds a call and retries it: wait long enough.
CALL_TIMEOUT_S = 120.0


def log(line: str) -> None:
    # stdout is a pipe under `minidapr run`: flush so lines show up at once.
    print(line, flush=True)


def compact(value: object) -> str:
    """JSON without spaces, the same text JSON.stringify prints in the Node.js variants."""
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
    """What the sidecar answered: `500 ERR_DIRECT_INVOKE: <its message>`, or the network error."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            body = json.loads(err.read() or b"{}")
        except ValueError:
            body = {}
        return f"{err.code} {body.get('errorCode', '')}: {body.get('message', '')}"
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err)


def send_order(order: dict) -> int:
    """Sends one order until it gets through; returns the number of failed tries."""
    # Header form of service invocation: POST <sidecar>/<method> with `dapr-app-id: <target>`.
    request = urllib.request.Request(
        f"{SIDECAR_URL}/orders",
        data=compact(order).encode("utf-8"),
        headers={"Content-Type": "application/json", "dapr-app-id": ORDER_PROCESSOR_APP_ID},
        method="POST",
    )
    failures = 0
    while True:
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S):
                return failures
        except OSError as err:
            failures += 1
            log(f"Order {compact(order)} not delivered ({describe_failure(err)}), trying again in 1 s")
            time.sleep(PAUSE_S)


def main() -> None:
    wait_for_sidecar()
    i = 1
    while True:
        order = {"orderId": i}
        failures = send_order(order)
        if failures > 0:
            log(f"order-processor is back after {failures} failed tries")
        log(f"Order passed: {compact(order)}")
        time.sleep(PAUSE_S)
        i += 1


if __name__ == "__main__":
    # checkout runs until it is stopped: `minidapr stop` sends SIGTERM, a clean stop (exit 0).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl-C
    except RuntimeError as err:
        print(f"checkout failed: {err}", file=sys.stderr, flush=True)
        sys.exit(1)

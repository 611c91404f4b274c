"""Resiliency (Python), service-to-component: order-processor saves an order in the `statestore`
component and reads it back, every half second, for as long as it runs, through its Dapr sidecar's
state API (urllib). The sidecar applies the Resiliency policies to the store: while Redis is down it
retries each call, and once its circuit breaker is open it fails calls at once. The app then tries
the same call again a second later, so no order is skipped, and says when the store is back.
Standard library only: nothing to pip install.
"""

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from typing import Callable, TypeVar

DAPR_HOST: str = os.environ.get("DAPR_HOST", "http://localhost")
DAPR_HTTP_PORT: str = os.environ.get("DAPR_HTTP_PORT", "3500")
STATE_STORE_NAME = "statestore"

SIDECAR_URL = f"{DAPR_HOST}:{DAPR_HTTP_PORT}"
STATE_URL = f"{SIDECAR_URL}/v1.0/state/{STATE_STORE_NAME}"
PAUSE_BETWEEN_ORDERS_S = 0.5
PAUSE_AFTER_FAILURE_S = 1.0
READY_TIMEOUT_S = 60.0
# While the store is down, the sidecar holds a call and retries it: wait long enough.
CALL_TIMEOUT_S = 120.0

T = TypeVar("T")


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
    """What the sidecar answered: `500 ERR_STATE_SAVE: <its message>`, or the network error."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            body = json.loads(err.read() or b"{}")
        except ValueError:
            body = {}
        return f"{err.code} {body.get('errorCode', '')}: {body.get('message', '')}"
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err)


failures_in_a_row = 0


def until_done(what: str, order: dict, call: Callable[[], T]) -> T:
    """Runs one state call until it succeeds; `what` names it in the log (`Saving`, `Getting`)."""
    global failures_in_a_row
    while True:
        try:
            result = call()
            if failures_in_a_row > 0:
                log(f"The state store is back after {failures_in_a_row} failed tries")
            failures_in_a_row = 0
            return result
        except OSError as err:
            failures_in_a_row += 1
            log(f"{what} order {compact(order)} failed ({describe_failure(err)}), trying again in 1 s")
            time.sleep(PAUSE_AFTER_FAILURE_S)


def save(key: str, value: object) -> None:
    body = compact([{"key": key, "value": value}]).encode("utf-8")
    request = urllib.request.Request(STATE_URL, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S):
        pass


def get(key: str) -> object:
    with urllib.request.urlopen(f"{STATE_URL}/{key}", timeout=CALL_TIMEOUT_S) as res:
        return json.loads(res.read() or b"null")


def main() -> None:
    wait_for_sidecar()
    i = 1
    while True:
        order = {"orderId": i}
        key = f"order-{i}"
        until_done("Saving", order, lambda: save(key, order))
        log(f"Saving Order: {compact(order)}")
        saved = until_done("Getting", order, lambda: get(key))
        log(f"Getting Order: {compact(saved)}")
        time.sleep(PAUSE_BETWEEN_ORDERS_S)
        i += 1


if __name__ == "__main__":
    # The app runs until it is stopped: `minidapr stop` sends SIGTERM, a clean stop (exit 0).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl-C
    except RuntimeError as err:
        print(f"order-processor failed: {err}", file=sys.stderr, flush=True)
        sys.exit(1)

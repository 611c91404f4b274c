"""State management (Python): saves 10 orders in the `statestore` component through the Dapr
sidecar's state API, reads each one back and deletes it, with urllib. It waits for the sidecar
first and retries a failed call with bounded backoff. No app port: it only makes calls.
Standard library only: nothing to pip install.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Optional, TypeVar

DAPR_HOST: str = os.environ.get("DAPR_HOST", "http://localhost")
DAPR_HTTP_PORT: str = os.environ.get("DAPR_HTTP_PORT", "3500")
STATE_STORE_NAME = "statestore"

SIDECAR_URL = f"{DAPR_HOST}:{DAPR_HTTP_PORT}"
STATE_URL = f"{SIDECAR_URL}/v1.0/state/{STATE_STORE_NAME}"
ORDER_COUNT = 10
PAUSE_BETWEEN_ORDERS_S = 0.1
READY_TIMEOUT_S = 60.0
RETRY_FIRST_DELAY_S = 0.2
RETRY_MAX_DELAY_S = 2.0
RETRY_BUDGET_S = 30.0

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


class NotFound(Exception):
    pass


def describe_failure(err: Exception) -> str:
    """A short reason for a failed call: `500 ERR_STATE_SAVE`, or the network error."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            code = json.loads(err.read() or b"{}").get("errorCode", "")
        except (ValueError, AttributeError):
            code = ""
        return f"{err.code} {code}".strip()
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err)


def with_retry(what: str, call: Callable[[], T]) -> T:
    """Runs one state call; a failure (for example the store briefly unavailable) is retried with backoff."""
    deadline = time.monotonic() + RETRY_BUDGET_S
    delay = RETRY_FIRST_DELAY_S
    while True:
        try:
            return call()
        except (OSError, NotFound) as err:
            reason = describe_failure(err)
            if time.monotonic() + delay > deadline:
                raise RuntimeError(f"{what} failed: {reason}") from err
            log(f"{what} failed ({reason}), retrying in {round(delay * 1000)} ms")
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)


def request(method: str, url: str, body: Optional[object] = None) -> bytes:
    data = None if body is None else compact(body).encode("utf-8")
    headers = {} if body is None else {"Content-Type": "application/json"}
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=10) as res:
        return res.read()


def key_url(key: str) -> str:
    return f"{STATE_URL}/{urllib.parse.quote(key, safe='')}"


def save_order(key: str, order: dict) -> None:
    # The state API takes a list of key/value pairs, so one request can save several keys.
    request("POST", STATE_URL, [{"key": key, "value": order}])


def get_order(key: str) -> object:
    # The sidecar answers with the stored JSON as it is, or 204 with no body for a missing key.
    raw = request("GET", key_url(key))
    if not raw:
        raise NotFound(f"{key} not found")
    return json.loads(raw)


def delete_order(key: str) -> None:
    # One key per DELETE, named in the path (the upstream Python sample sent a body instead).
    request("DELETE", key_url(key))


def main() -> None:
    wait_for_sidecar()
    for i in range(1, ORDER_COUNT + 1):
        order = {"orderId": i}
        key = f"order-{i}"
        with_retry(f"Saving {key}", lambda: save_order(key, order))
        log(f"Saving Order: {compact(order)}")
        stored = with_retry(f"Getting {key}", lambda: get_order(key))
        log(f"Getting Order: {compact(stored)}")
        with_retry(f"Deleting {key}", lambda: delete_order(key))
        log(f"Deleting Order: {compact(order)}")
        if i < ORDER_COUNT:
            time.sleep(PAUSE_BETWEEN_ORDERS_S)
    log(f"state done: {ORDER_COUNT} orders")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as err:
        print(f"order-processor failed: {err}", file=sys.stderr, flush=True)
        sys.exit(1)

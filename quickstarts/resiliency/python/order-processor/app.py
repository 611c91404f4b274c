"""Resiliency (Python), service-to-app: order-processor, the app checkout calls, receives orders on
POST /orders through its Dapr sidecar; the README stops it and starts it again to simulate an
outage. Standard library only (http.server): nothing to pip install.
"""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_PORT: int = int(os.environ.get("APP_PORT", "5023"))


def log(line: str) -> None:
    # stdout is a pipe under `minidapr run`: flush so lines show up at once.
    print(line, flush=True)


def compact(value: object) -> str:
    """JSON without spaces, the same text JSON.stringify prints in the Node.js variants."""
    return json.dumps(value, separators=(",", ":"))


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if self.path.split("?")[0] != "/orders":
            self.reply(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            order = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            self.reply(400)
            return
        log(f"Order received: {compact(order)}")
        self.reply(200)

    def reply(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # no access log: keep the output to the lines the README checks


def main() -> None:
    server = ThreadingHTTPServer(("", APP_PORT), Handler)
    server.daemon_threads = True
    # `minidapr stop` sends SIGTERM: leave serve_forever() and exit 0 (a clean stop, not a crash).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"App listening on port {APP_PORT}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl-C
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

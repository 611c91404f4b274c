"""hello-dapr-slim (Python): the same POST /neworder method as the Node.js variants, written with
the standard library only (http.server), so there is nothing to pip install.

The folder keeps the name `nodeapp` so that the app id, the commands and the expected output are
the same in all three variants.
"""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_PORT: int = int(os.environ.get("APP_PORT", "3000"))


def log(line: str) -> None:
    # stdout is a pipe under `minidapr run`: flush so lines show up at once.
    print(line, flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if self.path.split("?")[0] != "/neworder":
            self.reply(404, "Not found")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            order_id = body["data"]["orderId"]
        except (ValueError, KeyError, TypeError):
            self.reply(400, 'Expected a JSON body like {"data": {"orderId": "41"}}')
            return
        message = f"Got a new order! Order ID: {order_id}"
        log(message)
        self.reply(200, message)

    def reply(self, status: int, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

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

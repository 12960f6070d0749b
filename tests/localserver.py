"""A local HTTP server for the tests: 127.0.0.1, a free port, served by a thread.

Quiet about what is ordinary: a browser or a link checker that closes its connection
before the answer is sent (a page left, a request given up) is no error, though
Python's server prints it as a traceback on the test run's output.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server that takes a client's closed connection in its stride."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # broken pipe, reset
            return
        super().handle_error(request, client_address)


def serve(handler: type[BaseHTTPRequestHandler] | Any) -> tuple[LocalServer, str]:
    """``handler`` served on a free port by a daemon thread; the server and its address
    (``server.shutdown()`` stops it)."""
    server = LocalServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"

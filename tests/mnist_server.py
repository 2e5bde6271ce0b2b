"""A local HTTP server that plays the MNIST download server, well or badly, for the tests.

It listens on 127.0.0.1 only (a free port), in a thread of the test process, so the download
code runs for real (urllib, sockets, timeouts) without the internet. Each path answers with
a :class:`Reply`: a status, a body, an honest, false or missing Content-Length, a delay before
answering, or a stall in the middle of the body.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """How the server answers one path.

    Attributes:
        body: the bytes sent.
        status: the HTTP status.
        length: the Content-Length header: ``"body"`` (the body's true length), a number (a
            lie, e.g. for a body cut short) or ``None`` (no header: the body ends when the
            connection closes).
        delay: seconds to wait before answering at all.
        stall_after: send only this many bytes of the body, then wait (without closing) until
            the server stops.
    """

    body: bytes = b""
    status: int = 200
    length: int | str | None = "body"
    delay: float = 0.0
    stall_after: int | None = None


class MnistServer:
    """``with MnistServer() as server: server.replies["/mnist.npz"] = Reply(...); server.url()``."""

    def __init__(self):
        self.replies: dict[str, Reply] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                reply = server.replies.get(self.path, Reply(b"not found", status=404))
                if reply.delay and server.stopping.wait(reply.delay):
                    return
                self.send_response(reply.status)
                length = len(reply.body) if reply.length == "body" else reply.length
                if length is not None:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                try:
                    if reply.stall_after is None:
                        self.wfile.write(reply.body)
                    else:
                        self.wfile.write(reply.body[: reply.stall_after])
                        self.wfile.flush()
                        server.stopping.wait(60)
                except OSError:  # the client gave up (as it should on a bad download)
                    pass

            def log_message(self, *args):  # keep the test output clean
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str = "/mnist.npz") -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}{path}"

    def __enter__(self) -> MnistServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.http.shutdown()
        self.http.server_close()
        self.thread.join(10)


def closed_port_url() -> str:
    """An http://127.0.0.1 address where nothing listens (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"

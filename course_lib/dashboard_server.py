"""The server side of the classroom dashboard: Voila, started with the course's hardening.

:func:`course_lib.dashboard.voila_command` runs ``python -m course_lib.dashboard_server`` with
Voila's own options. This module then starts Voila unchanged except for two things:

- **Kernel websockets speak the v1 protocol only** (:class:`V1KernelConnection`, passed as
  ``--Voila.kernel_websocket_connection_class``). Voila 0.5.13 reads every binary message it sends
  on a websocket with the v1 layout, so a client that connects with the older protocol (no
  ``v1.kernel.websocket.jupyter.org`` subprotocol) and asks for the widgets' state sends the server
  into an endless loop that eats all memory. Such a connection is refused before it opens (HTTP 400),
  and every frame a v1 client sends is checked (part count, offsets, channel) before it is read, so a
  forged frame closes its own connection instead of stalling the server.
- **It says when the pool is really ready**: Voila logs "Kernel pool ... is filled" as soon as its
  kernels have *started*; the dashboard notebook still runs in them for several seconds after that.
  :func:`counting_kernel_manager_factory` adds one log line each time a preheated kernel has finished
  running the notebook (``Preheated kernels ready: N of M``), which ``make dashboard`` turns into
  "ready for N visitors".
- **The page needs nothing from the internet** (the ``course-dashboard`` template, package data in
  ``voila_page/``): Voila's ``lab`` template without the links to a CDN for the icon font (Voila's
  own bundle already carries Font Awesome) and without the Mermaid loader (the dashboard draws no
  diagrams).

Only the Voila server process imports this module; it loads no widgets and no plotting.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado import web

#: The kernel websocket protocol Voila's page speaks, and the only one the dashboard accepts.
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: Channels a browser may send on (iopub only flows from the kernel to the page).
CLIENT_CHANNELS = ("shell", "control", "stdin")
#: Most parts one v1 frame may have: channel, header, parent header, metadata, content, buffers.
MAX_FRAME_PARTS = 6 + 256
#: Folder added to JUPYTER_PATH: it holds ``voila/templates/course-dashboard``.
TEMPLATE_ROOT = Path(__file__).resolve().parent / "voila_page"
#: The Voila template the dashboard is served with.
TEMPLATE_NAME = "course-dashboard"
#: What makes Voila use :class:`V1KernelConnection` (part of the command line).
CONNECTION_OPTION = "--Voila.kernel_websocket_connection_class=course_lib.dashboard_server.V1KernelConnection"


def offered_protocols(header: str | None) -> list[str]:
    """The subprotocols a websocket handshake offers (its ``Sec-WebSocket-Protocol`` header)."""
    return [name.strip() for name in (header or "").split(",") if name.strip()]


def v1_frame_problem(frame) -> str | None:
    """Why ``frame`` is not a well-formed v1 kernel message from a browser, or None if it is.

    A v1 frame is: 8 bytes with the number of offsets n, n offsets of 8 bytes (little-endian),
    then the channel name and the message parts the offsets point at. The check reads at most
    n + 1 numbers, and n is bounded by both the frame's length and :data:`MAX_FRAME_PARTS`.
    """
    if not isinstance(frame, bytes):
        return "a v1 kernel message must be a binary frame"
    if len(frame) < 8:
        return f"the frame is {len(frame)} bytes long, too short for its header"
    count = int.from_bytes(frame[:8], "little")
    if not 6 <= count <= MAX_FRAME_PARTS:
        return f"the frame announces {count} offsets; a kernel message has 6 to {MAX_FRAME_PARTS}"
    start = 8 * (count + 1)
    if start > len(frame):
        return f"the frame announces {count} offsets but is only {len(frame)} bytes long"
    offsets = struct.unpack_from(f"<{count}Q", frame, 8)
    if offsets[0] != start or any(a > b for a, b in zip(offsets, offsets[1:])) or offsets[-1] > len(frame):
        return "the frame's offsets do not point inside it in order"
    channel = frame[offsets[0]:offsets[1]]
    if channel.decode("ascii", "replace") not in CLIENT_CHANNELS:
        return f"the channel must be one of {', '.join(CLIENT_CHANNELS)}; got {channel[:20]!r}"
    return None


class V1KernelConnection(ZMQChannelsWebsocketConnection):
    """Jupyter Server's kernel websocket connection, for v1 clients only and with checked frames.

    ``prepare`` runs before the websocket handshake: a client that does not offer the v1
    subprotocol gets HTTP 400 and never a websocket. ``handle_incoming_message`` closes the
    connection (code 1002, protocol error) on a frame :func:`v1_frame_problem` rejects, or on
    one Jupyter Server cannot read, and logs one line; the server and the other visitors go on.
    """

    async def prepare(self):
        offered = offered_protocols(self.websocket_handler.request.headers.get("Sec-WebSocket-Protocol"))
        if V1_PROTOCOL not in offered:
            self.log.warning("Refused a kernel websocket that does not offer the %s protocol (offered: %s).",
                             V1_PROTOCOL, offered or "none")
            raise web.HTTPError(400, f"Kernel websockets must use the {V1_PROTOCOL} subprotocol.")
        await super().prepare()

    def handle_incoming_message(self, incoming_msg) -> None:
        if self.subprotocol != V1_PROTOCOL:  # cannot happen after prepare(); never parse anything else
            self._refuse("the connection did not negotiate the v1 protocol")
            return
        problem = v1_frame_problem(incoming_msg)
        if problem:
            self._refuse(problem)
            return
        try:
            super().handle_incoming_message(incoming_msg)
        except Exception as error:  # noqa: BLE001 - a bad message closes its own connection, not the server
            self._refuse(f"unreadable message ({type(error).__name__})")

    def _refuse(self, problem: str) -> None:
        self.log.warning("Closing a kernel websocket for kernel %s: %s.", self.kernel_id, problem)
        self.websocket_handler.close(1002, "malformed kernel message")


def template_environment(environ=None) -> dict:
    """``environ`` (default: this process's) with :data:`TEMPLATE_ROOT` first on JUPYTER_PATH."""
    environ = dict(os.environ if environ is None else environ)
    rest = environ.get("JUPYTER_PATH", "")
    environ["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATE_ROOT)] + ([rest] if rest else []))
    return environ


#: The log line (a format) written each time a pooled kernel has run the whole notebook.
READY_LINE = "Preheated kernels ready: %d of %d"


def counting_kernel_manager_factory(factory):
    """Wrap Voila's ``voila_kernel_manager_factory``: the pooled kernel manager it returns also logs
    :data:`READY_LINE` whenever a preheated kernel finishes running the notebook (its render task
    is done), counting the kernels of the pool that are ready now."""

    def make(base_class, preheat_kernel, default_pool_size, **kwargs):
        cls = factory(base_class, preheat_kernel, default_pool_size, **kwargs)
        if not preheat_kernel:
            return cls

        class CountingKernelManager(cls):
            async def _initialize(self, notebook_path, kernel_id=None, **options):
                content = await super()._initialize(notebook_path, kernel_id, **options)
                content["task"].add_done_callback(lambda _task: self._say_ready(notebook_path))
                return content

            def _say_ready(self, notebook_path) -> None:
                ready = 0
                for pooled in self._pools.get(notebook_path, ()):
                    if pooled.done() and not pooled.cancelled() and pooled.exception() is None:
                        ready += pooled.result()["task"].done()
                size = (self.kernel_pools_config.get(notebook_path) or self.kernel_pools_config.get("default")
                        or {}).get("pool_size", default_pool_size)
                self.log.info(READY_LINE, ready, size)

        CountingKernelManager.__name__ = cls.__name__
        return CountingKernelManager

    return make


def main(argv=None) -> int:
    """``python -m course_lib.dashboard_server NOTEBOOK [Voila options]``: Voila with the course's template."""
    template = TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE_NAME / "index.html.j2"
    if not template.is_file():
        raise SystemExit(f"The dashboard's page template is missing from the installed course_lib ({template}): "
                         "reinstall the course (`pip install .` in the repository, or `make dashboard`).")
    os.environ.update(template_environment())
    import voila.app
    from voila.app import main as voila_main

    voila.app.voila_kernel_manager_factory = counting_kernel_manager_factory(voila.app.voila_kernel_manager_factory)

    sys.argv = [sys.argv[0], *(sys.argv[1:] if argv is None else argv)]
    return voila_main() or 0


if __name__ == "__main__":
    sys.exit(main())

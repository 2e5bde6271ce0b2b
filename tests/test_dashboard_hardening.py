"""The served dashboard under attack, over the same protocol a browser speaks.

One Voila server, started exactly as :func:`course_lib.dashboard.voila_command` starts it (cold,
so no pool refills in the background) and under a memory cap, serves a notebook that builds the
dashboard and adds two widgets whose callbacks fail on purpose. Then:

- a client that opens a kernel websocket without the v1 subprotocol and asks for every widget's
  state (what once sent Voila 0.5.13 to 100 % CPU, eating 35-40 MB/s) is refused, and the server
  keeps answering with its memory flat;
- forged v1 frames close their own connection only; a proper v1 client gets every widget's state;
- failing callbacks and unreadable comm messages send one line to the page, never a traceback
  or a server path;
- the page asks no other server for anything (no CDN link, icons served from here).
"""

from __future__ import annotations

import asyncio
import html.parser
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from course_lib.dashboard import voila_command

REPO = Path(__file__).resolve().parents[1]
V1 = "v1.kernel.websocket.jupyter.org"
#: Address space each server process may take (measured with FRUGAL: Voila 0.25 GB, a kernel 0.36 GB).
MEMORY_CAP = 2 * 1024**3
#: One maths thread and two malloc arenas per process, so address space does not grow with the CPU count.
FRUGAL = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
#: How much the server's resident memory may grow while it is attacked.
MAX_GROWTH_MB = 150

BROKEN_CELL = '''from course_lib.dashboard import build_dashboard
import ipywidgets as widgets

board = build_dashboard()
boom = widgets.Button(description="boom")

def explode(_):
    raise ValueError("secret-detail-42 in /srv/course/private/settings.py")

boom.on_click(explode)
bad_slider = widgets.IntSlider(description="bad slider")
bad_slider.observe(lambda change: 1 / 0, names="value")
widgets.VBox([board.widget, boom, bad_slider])
'''

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="memory cap and /proc are Linux's")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cap_memory():  # runs in the child before Voila starts; its kernels inherit the cap
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def _get(url: str, timeout: float = 60) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8", "replace")


class Server:
    """The running server, and one visit to it: ``page`` (its HTML) and ``kernel`` (the kernel it started)."""

    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.url = f"http://127.0.0.1:{port}"
        self.page = _get(self.url + "/")
        self.kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', self.page).group(1)

    def answers_quickly(self) -> float:
        """Seconds one small HTTP request takes (fails if over 5 s)."""
        start = time.monotonic()
        _get(self.url + "/voila/static/voila.js", timeout=5)
        return time.monotonic() - start

    def channels(self, kernel: str) -> str:
        return f"ws://127.0.0.1:{self.port}/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, mnist_path):
    folder = tmp_path_factory.mktemp("hardening")
    notebook = folder / "broken.ipynb"
    notebook.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                   "source": BROKEN_CELL}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
    port = _free_port()
    env = {**os.environ, **FRUGAL, "COURSE_MNIST_PATH": str(mnist_path), "COURSE_OFFLINE": "1"}
    log = (folder / "voila.log").open("w")
    process = subprocess.Popen(voila_command(port, preheat=False, notebook=notebook), cwd=folder, env=env,  # noqa: S603
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_cap_memory)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        assert process.poll() is None, (folder / "voila.log").read_text()[-3000:]
        yield Server(process, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a server stuck in a loop (its kernels exit once it is gone)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


# --- a small client for the kernel websocket ------------------------------------------------------


def _header(msg_type: str) -> dict:
    return {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "test", "session": uuid.uuid4().hex,
            "date": "2024-01-01T00:00:00Z", "version": "5.3"}


def v1_frame(msg_type: str, content: dict, channel: str = "shell") -> bytes:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(part).encode() for part in (_header(msg_type), {}, {}, content)]
    return serialize_msg_to_ws_v1(parts, channel)


def legacy_binary_frame(msg_type: str, content: dict) -> bytes:
    from jupyter_server.services.kernels.connection.base import serialize_binary_message

    return serialize_binary_message({"header": _header(msg_type), "parent_header": {}, "metadata": {},
                                     "content": content, "channel": "shell", "buffers": []})


def read_v1(raw: bytes) -> tuple[str, dict, list[bytes]]:
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    _, parts = deserialize_msg_from_ws_v1(raw)
    return json.loads(parts[0])["msg_type"], json.loads(parts[3]), parts[4:]


async def receive(ws, seconds: float, until=None) -> list:
    """Every frame the server sends within ``seconds`` (or until ``until(frames)``); None marks a close."""
    frames, end = [], time.monotonic() + seconds
    while time.monotonic() < end and not (until and until(frames)):
        try:
            raw = await asyncio.wait_for(ws.read_message(), end - time.monotonic())
        except asyncio.TimeoutError:
            break
        frames.append(raw)
        if raw is None:
            break
    return frames


async def v1_connect(server: Server, kernel: str):
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(server.channels(kernel), subprotocols=[V1])
    assert ws.selected_subprotocol == V1
    return ws


async def widget_states(ws, limit: int = 400) -> dict:
    """{comm id: (state, buffers)} for every widget of the kernel, asked for the way a page does."""
    await ws.write_message(v1_frame("comm_info_request", {"target_name": "jupyter.widget"}), binary=True)
    replies = await receive(ws, 30, until=lambda got: any(
        raw and read_v1(raw)[0] == "comm_info_reply" for raw in got))
    comms = next(read_v1(raw)[1]["comms"] for raw in replies if raw and read_v1(raw)[0] == "comm_info_reply")
    assert 0 < len(comms) <= limit
    for comm_id in comms:
        await ws.write_message(v1_frame("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}}),
                               binary=True)
    states = {}

    def collect(got):
        for raw in got[len(collect.seen):]:
            kind, content, buffers = read_v1(raw) if raw else ("closed", {}, [])
            if kind == "comm_msg" and content["data"].get("method") == "update":
                states[content["comm_id"]] = (content["data"]["state"], buffers)
        collect.seen = list(got)
        return set(comms) <= set(states)

    collect.seen = []
    await receive(ws, 30, until=collect)
    return states


def _run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


# --- the attack -----------------------------------------------------------------------------------


async def _legacy_attack(server: Server, kernel: str) -> str:
    """Open a kernel websocket without the v1 subprotocol and ask for every widget's state.

    Returns how it ended: "refused" (the handshake failed), "closed" (the server hung up) or
    "accepted" (the server answered as a legacy connection). Bounded: at most 400 widgets, 10 s.
    """
    from tornado.httpclient import HTTPClientError
    from tornado.websocket import WebSocketClosedError, websocket_connect

    try:
        ws = await websocket_connect(server.channels(kernel))  # no subprotocol: the legacy protocol
    except HTTPClientError as error:
        assert error.code == 400
        return "refused"
    try:
        await ws.write_message(json.dumps({"header": _header("comm_info_request"), "parent_header": {},
                                           "metadata": {}, "channel": "shell",
                                           "content": {"target_name": "jupyter.widget"}}))
        comms: list = []
        for raw in await receive(ws, 10, until=lambda got: any(isinstance(r, str) and "comm_info_reply" in r
                                                               for r in got)):
            if raw is None:
                return "closed"
            if isinstance(raw, str) and '"comm_info_reply"' in raw:
                comms = list(json.loads(raw)["content"]["comms"])[:400]
        try:
            for comm_id in comms:
                await ws.write_message(legacy_binary_frame("comm_msg", {"comm_id": comm_id,
                                                                        "data": {"method": "request_state"}}),
                                       binary=True)
        except WebSocketClosedError:
            return "closed"
        frames = await receive(ws, 5)
        return "closed" if None in frames else "accepted"
    finally:
        ws.close()


def test_a_legacy_websocket_is_refused_and_the_server_stays_responsive(server):
    before = _rss_mb(server.process.pid)
    started = time.monotonic()
    outcome = _run(_legacy_attack(server, server.kernel))
    time.sleep(2)  # the old failure showed within a second: 100 % CPU and tens of MB/s
    assert server.process.poll() is None, "the server died"
    assert server.answers_quickly() < 5
    grown = _rss_mb(server.process.pid) - before
    assert grown < MAX_GROWTH_MB, f"the server's memory grew by {grown:.0f} MB under the attack"
    assert outcome == "refused", f"a websocket without the v1 subprotocol was {outcome}"
    assert time.monotonic() - started < 30


async def _forged_frames(server: Server, kernel: str) -> list:
    """Send each forged frame on its own fresh v1 connection; return how each connection ended."""
    huge = (2**40).to_bytes(8, "little") + b"\0" * 64  # announces a trillion offsets
    backwards = bytearray(v1_frame("comm_info_request", {}))
    backwards[16:24] = (len(backwards) + 99).to_bytes(8, "little")  # channel offset beyond the end
    forged = {"huge offset count": huge, "offsets past the end": bytes(backwards), "text frame": "{}",
              "iopub channel": v1_frame("comm_info_request", {}, channel="iopub"),
              "content not JSON": v1_frame("comm_info_request", {})[:-2] + b"\xff\xfe"}
    endings = []
    for name, frame in forged.items():
        ws = await v1_connect(server, kernel)
        try:
            await ws.write_message(frame, binary=isinstance(frame, bytes))
            frames = await receive(ws, 1.5, until=lambda got: None in got)
            endings.append((name, ws.close_code if None in frames else "still open"))
        finally:
            ws.close()
    ws = await v1_connect(server, kernel)  # the kernel and the server still serve this visitor
    try:
        states = await widget_states(ws)
    finally:
        ws.close()
    return endings, len(states)


def test_forged_v1_frames_close_only_their_own_connection(server):
    before = _rss_mb(server.process.pid)
    endings, widgets_after = _run(_forged_frames(server, server.kernel))
    assert server.process.poll() is None and server.answers_quickly() < 5
    assert _rss_mb(server.process.pid) - before < MAX_GROWTH_MB
    closed = {name: code for name, code in endings if code != "still open"}
    assert {"huge offset count", "offsets past the end", "text frame", "iopub channel"} <= set(closed), endings
    assert set(closed.values()) <= {1002}, endings
    assert widgets_after > 50


def test_a_v1_client_still_gets_every_widget_and_its_pictures(server):
    async def visit():
        ws = await v1_connect(server, server.kernel)
        try:
            return await widget_states(ws)
        finally:
            ws.close()

    states = _run(visit())
    names = {state["_model_name"] for state, _ in states.values()}
    assert {"TabModel", "ButtonModel", "IntSliderModel", "HTMLModel"} <= names
    pictures = [buffers[0] for state, buffers in states.values() if state["_model_name"] == "ImageModel" and buffers]
    assert pictures and all(picture[:8] == b"\x89PNG\r\n\x1a\n" for picture in pictures)


# --- no traceback, no server path -----------------------------------------------------------------


def test_failing_callbacks_show_one_line_and_send_no_traceback(server):
    async def provoke():
        ws = await v1_connect(server, server.kernel)
        try:
            states = await widget_states(ws)
            by_description = {state.get("description"): comm for comm, (state, _) in states.items()}
            sends = [
                {"comm_id": by_description["boom"], "data": {"method": "custom", "content": {"event": "click"}}},
                {"comm_id": by_description["bad slider"],
                 "data": {"method": "update", "state": {"value": 3}, "buffer_paths": []}},
                {"comm_id": by_description["bad slider"], "data": {"no": "method"}},
                {"comm_id": "no-such-comm", "data": {"method": "update", "state": {}}},
            ]
            for content in sends:
                await ws.write_message(v1_frame("comm_msg", content), binary=True)
            await ws.write_message(v1_frame("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget",
                                                          "data": {"state": {"_model_name": 5}}}), binary=True)
            await ws.write_message(v1_frame("comm_open", {"comm_id": "c2", "target_name": "no.such.target",
                                                          "data": {}}), binary=True)
            frames = await receive(ws, 20, until=lambda got: all(
                any(raw and sign in raw for raw in got) for sign in (b"(ValueError)", b"(ZeroDivisionError)",
                                                                     b"(KeyError)", b'"c1"', b'"c2"')))
            frames += await receive(ws, 1)  # anything sent a little later
            after = await widget_states(ws)  # the kernel still answers
            return frames, after
        finally:
            ws.close()

    frames, after = _run(provoke())
    assert None not in frames, "the server closed a well-formed connection"
    everything = b"\n".join(frames).decode("utf-8", "replace")
    for leak in ("Traceback", "secret-detail-42", "/srv/course", "site-packages", str(REPO), ".py\"", "File \""):
        assert leak not in everything, f"{leak!r} reached the client"
    messages = [read_v1(raw) for raw in frames]
    kinds = [kind for kind, _, _ in messages]
    assert "error" not in kinds and "stream" not in kinds, kinds
    values = [str(content["data"].get("state", {}).get("value")) for kind, content, _ in messages
              if kind == "comm_msg"]
    notices = [value for value in values if "Something went wrong" in value]
    assert any("(ValueError)" in notice for notice in notices), notices
    assert any("(ZeroDivisionError)" in notice for notice in notices), notices
    assert all("role='alert'" in notice for notice in notices)
    assert len(after) > 50


# --- a self-contained page ------------------------------------------------------------------------


class _Resources(html.parser.HTMLParser):
    """Every URL the page could load (src, href, srcset, data, poster, style url()), and the names that only
    identify things (XML namespaces, RDF metadata in the spinner's SVG: never fetched)."""

    def __init__(self):
        super().__init__()
        self.urls, self.names = [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "xmlns" or name.startswith(("xmlns:", "rdf:")):
                self.names.add(value)
            elif name in ("src", "href", "data", "poster", "action", "formaction", "xlink:href", "background"):
                self.urls.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name == "style":
                self.urls += _css_urls(value)


def _css_urls(css: str) -> list[str]:
    return [m.strip("'\" ") for m in re.findall(r"url\(([^)]*)\)", css)] + re.findall(r"@import\s+['\"]([^'\"]+)", css)


def _leaves(url: str) -> bool:
    """Whether loading ``url`` from the page would contact another machine."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme in ("", "data", "blob", "about", "javascript") and not url.strip().startswith("//"):
        return False
    return parts.hostname not in ("127.0.0.1", "localhost", "::1")


def test_the_page_asks_no_other_server_and_shows_no_source(server):
    page = server.page
    found = _Resources()
    found.feed(page)
    for block in re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.S):
        found.urls += _css_urls(block)
    assert found.urls and not [url for url in found.urls if _leaves(url)]
    written = set(re.findall(r"""https?://[^\s"'<>)`]+""", page))
    assert not [url for url in written if _leaves(url) and url not in found.names], written - found.names
    assert "cdn" not in page.lower() and "mermaid" not in page.lower()
    stylesheets = [url for url in found.urls if url.split("?")[0].endswith(".css")]
    assert len(stylesheets) >= 2
    for sheet in stylesheets:  # the stylesheets the page links load nothing from elsewhere either
        urls = _css_urls(_get(urllib.parse.urljoin(server.url + "/", sheet)))
        assert not [url for url in urls if _leaves(url)], sheet
    for secret in ("secret-detail-42", "raise ValueError", "Traceback", str(REPO)):
        assert secret not in page


def test_the_icon_font_comes_from_this_server(server):
    style = re.search(r'src="(/voila/templates/[^"]+/voila-style\.js[^"]*)"', server.page)
    assert style, "the page does not load Voila's own style bundle (which carries Font Awesome)"
    bundle = _get(server.url + style.group(1))
    assert "Font Awesome 5 Free" in bundle and ".fa-undo:before" in bundle
    fonts = re.findall(r'e\.exports=\w+\.p\+"(\w+\.woff2?)"', bundle)
    assert fonts and all(_leaves(font) is False for font in fonts)
    with urllib.request.urlopen(f"{server.url}/voila/templates/course-dashboard/static/{fonts[0]}",  # noqa: S310
                                timeout=10) as response:
        assert response.status == 200 and len(response.read()) > 1000

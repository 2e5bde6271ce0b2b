#!/usr/bin/env python3
"""Measure the dashboard for a whole class, with the server's work and the browsers' work kept apart.

Usage (from the repository root, after `make test` has set up .venv and Chromium):
    .venv/bin/python benchmarks/class_benchmark.py                  # a class of 30
    .venv/bin/python benchmarks/class_benchmark.py --class-size 5   # a quick look

For each way of building the page (``lazy``: only the first tab's panel is built when the page opens,
as shipped; ``eager``: every panel is built, served from a temporary copy of the dashboard notebook that
calls ``build_dashboard(eager=True)``) it starts Voila with ``voila_command(port, pool_size=CLASS_SIZE)``
on a free loopback port and measures:

- the pool: when Voila says every kernel is started ("Kernel pool ... is filled"), when every kernel
  has also run the dashboard and gone idle (from /proc), the CPU and resident memory each kernel took;
- the server, without any rendering: CLASS_SIZE simultaneous protocol-level sessions. Each one GETs the
  page (its HTML names the preheated kernel), opens the kernel websocket with the v1 subprotocol and
  asks for the widgets' state the way the page's widget manager does (a ``jupyter.widget.control``
  comm, ``request_states``, answered by ``update_states``); reported: time to widget state per
  session (median, p95, max) and how many had it within 5 s;
- the browsers (lazy only): a few headless Chromium pages opened at the same time, each moving a
  slider and timing the redraw inside the page (target: 200 ms), before the protocol sessions.

It writes benchmarks/results/class-benchmark.{json,md}: machine, versions, a table for the README and
a few lines of advice that follow from the numbers. A benchmark, not a test: it asserts nothing, and
every wait is bounded, so it always stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from course_lib.dashboard import DASHBOARD_NOTEBOOK, PoolWatch, voila_command

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
#: The kernel websocket subprotocol the page (and the hardened server) speaks.
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: The comm the widget manager opens to ask the kernel for every widget's state (ipywidgets 8).
CONTROL_TARGET = "jupyter.widget.control"
CONTROL_VERSION = "1.0.0"
#: A student should have a working page within this many seconds.
STATE_TARGET_S = 5.0
#: A slider move should redraw the picture within this many milliseconds.
REDRAW_TARGET_MS = 200.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-fA-F-]{8,64})"')


# ---------------------------------------------------------------------------- pure helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q: float) -> float:
    """The ``q``-th percentile of ``values`` (nearest rank, as in dashboard_latency.py)."""
    values = sorted(values)
    if not values:
        raise ValueError("percentile needs at least one value; got none")
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def summary(values, digits: int = 2) -> dict | None:
    """Median, p95 and max of ``values`` (None when there are none)."""
    if not values:
        return None
    return {"n": len(values), "median": round(statistics.median(values), digits),
            "p95": round(percentile(values, 95), digits), "max": round(max(values), digits)}


def page_kernel_id(page: str) -> str:
    """The id of the kernel Voila gave this page (its page config carries ``"kernelId": "..."``)."""
    found = _KERNEL_ID.search(page)
    if not found:
        raise ValueError(f"the page must name its kernel (\"kernelId\" in its page config); got {len(page)} "
                         f"characters without one")
    return found.group(1)


def kernel_message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    """A Jupyter message as a front-end sends it (protocol 5.3)."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "class-benchmark", "session": session,
              "date": datetime.now(timezone.utc).isoformat(), "version": "5.3"}
    return {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}


def to_frame(message: dict, channel: str = "shell") -> bytes:
    """``message`` as one binary v1 websocket frame (Jupyter Server's own serializer)."""
    return serialize_msg_to_ws_v1(message, channel, pack=lambda part: json.dumps(part).encode())


def from_frame(frame: bytes) -> tuple[str, dict, dict, int]:
    """(channel, header, content, number of binary buffers) of one v1 frame from the server."""
    channel, parts = deserialize_msg_from_ws_v1(frame)
    return channel, json.loads(parts[0]), json.loads(parts[3]), max(0, len(parts) - 4)


def request_states_messages(session: str, comm_id: str) -> list[dict]:
    """What the widget manager sends to get every widget's state: open the control comm, then ask."""
    return [kernel_message("comm_open", {"comm_id": comm_id, "target_name": CONTROL_TARGET, "data": {}}, session,
                           metadata={"version": CONTROL_VERSION}),
            kernel_message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}, session)]


def is_update_states(channel: str, header: dict, content: dict, comm_id: str) -> bool:
    return (channel == "iopub" and header.get("msg_type") == "comm_msg" and content.get("comm_id") == comm_id
            and (content.get("data") or {}).get("method") == "update_states")


def eager_notebook(source: Path, target: Path) -> Path:
    """Write a copy of the dashboard notebook that builds every tab's panel at once; return its path."""
    notebook = json.loads(Path(source).read_text())
    calls = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "build_dashboard()" in text:
            cell["source"] = text.replace("build_dashboard()", "build_dashboard(eager=True)")
            calls += 1
    if calls != 1:
        raise ValueError(f"the dashboard notebook must call build_dashboard() in exactly one cell; found {calls}")
    target.write_text(json.dumps(notebook, indent=1))
    return target


# ---------------------------------------------------------------------------- /proc


def _proc_stat(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds used) of process ``pid``."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    rest = stat[stat.rfind(")") + 2:].split()
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / CLOCK_TICKS


def _proc_state(pid: int) -> tuple[str, float]:
    """(state letter, CPU seconds used) of process ``pid``: "R" is running or waiting for a core."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    rest = stat[stat.rfind(")") + 2:].split()
    return rest[0], (int(rest[11]) + int(rest[12])) / CLOCK_TICKS


def settled(samples, span: float = 1.2, max_cpu: float = 0.1) -> bool:
    """Whether a process was quiet over the last ``span`` seconds of ``samples`` ((time, state, CPU
    seconds), oldest first): under ``max_cpu`` CPU seconds used, and running in at most one sample."""
    recent = [sample for sample in samples if sample[0] >= samples[-1][0] - span] if samples else []
    if len(recent) < 2 or recent[-1][0] - recent[0][0] < span * 0.8:
        return False
    return recent[-1][2] - recent[0][2] < max_cpu and sum(state == "R" for _, state, _ in recent) <= 1


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def kernel_stats(server_pid: int) -> dict[int, dict]:
    """{pid: {"cpu_s", "rss_mb"}} of every ipykernel the server started (read from /proc)."""
    kernels = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            ppid, cpu = _proc_stat(pid)
            if ppid != server_pid:
                continue
            cmdline = (entry / "cmdline").read_text().split("\0")
            if not any("ipykernel" in part for part in cmdline):
                continue
            kernels[pid] = {"cpu_s": cpu, "rss_mb": _rss_mb(pid), "connection_file": connection_file(cmdline)}
        except (OSError, ValueError, IndexError):
            continue
    return kernels


def connection_file(cmdline: list[str]) -> str | None:
    """The connection file a kernel was started with (``-f FILE`` on its command line)."""
    for flag, value in zip(cmdline, cmdline[1:]):
        if flag in ("-f", "--f"):
            return value
    return next((part.split("=", 1)[1] for part in cmdline if part.startswith(("-f=", "--f="))), None)


def last_code_cell(notebook: Path) -> str:
    """The source of the last code cell of ``notebook``: when a kernel has run it, it is preheated."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    sources = ["".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"]
    sources = [text for text in sources if text]
    if not sources:
        raise ValueError(f"the notebook must have a code cell; got none in {notebook}")
    return sources[-1]


def iopub_message(parts: list[bytes]) -> tuple[dict, dict, dict] | None:
    """(header, parent header, content) of one IOPub message as ZMQ parts, or None if it is not one."""
    try:
        start = parts.index(b"<IDS|MSG>") + 2  # then the signature, header, parent, metadata, content
        header, parent, _, content = (json.loads(part) for part in parts[start:start + 4])
    except (ValueError, TypeError):
        return None
    return header, parent, content


class IopubWatch:
    """Listens, read-only, to each kernel's IOPub channel (the port is in its connection file) and records
    when it has finished running the notebook's last code cell (its ``execute_input``, then ``status: idle``
    for the same request): that is when a kernel is really preheated, which Voila's "Kernel pool ... is
    filled" line does not say (it comes as soon as the kernels have started)."""

    def __init__(self, last_code: str):
        import zmq

        self.zmq, self.last_code = zmq, last_code.strip()
        self.context = zmq.Context()
        self.sockets: dict = {}
        self.request: dict[int, str] = {}
        self.done: dict[int, float] = {}

    def follow(self, pid: int, path: str | None) -> None:
        if pid in self.sockets or not path:
            return
        try:
            info = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            return  # not written yet: the next call tries again
        sock = self.context.socket(self.zmq.SUB)
        sock.setsockopt(self.zmq.LINGER, 0)
        sock.setsockopt(self.zmq.SUBSCRIBE, b"")
        sock.connect(f"{info.get('transport', 'tcp')}://{info['ip']}:{info['iopub_port']}")
        self.sockets[pid] = sock

    def see(self, pid: int, parts: list[bytes], now: float) -> None:
        message = iopub_message(parts)
        if message is None or pid in self.done:
            return
        header, parent, content = message
        if header.get("msg_type") == "execute_input" and content.get("code", "").strip() == self.last_code:
            self.request[pid] = parent.get("msg_id")
        elif (header.get("msg_type") == "status" and content.get("execution_state") == "idle"
              and pid in self.request and parent.get("msg_id") == self.request[pid]):
            self.done[pid] = now

    def poll(self, now: float) -> None:
        for pid, sock in self.sockets.items():
            for _ in range(10000):
                try:
                    parts = sock.recv_multipart(self.zmq.NOBLOCK)
                except self.zmq.Again:
                    break
                self.see(pid, parts, now)

    def close(self) -> None:
        self.context.destroy(linger=0)


# ---------------------------------------------------------------------------- the server


class Server:
    """Voila started with the course's command; its log is read on a thread and kept (the last lines)."""

    def __init__(self, port: int, pool_size: int, notebook: Path | None, env: dict):
        self.port, self.pool_size = port, pool_size
        self.command = voila_command(port, pool_size=pool_size, notebook=notebook)
        self.watch = PoolWatch(pool_size)
        self.log = collections.deque(maxlen=300)
        self.filled_at: list[float] = []
        self.ready_at: list[float] = []
        self.taken = 0
        self.started = time.perf_counter()
        self.process = subprocess.Popen(self.command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                                        stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
        self.kernel_pids: set[int] = set()
        self.latest: dict[int, dict] = {}
        self.server_samples: collections.deque = collections.deque(maxlen=100)
        self.iopub = IopubWatch(last_code_cell(notebook or Path(str(DASHBOARD_NOTEBOOK))))
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self._watch_kernels, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _read(self) -> None:
        for text in self.process.stderr:
            self.log.append(text.rstrip())
            said = self.watch.line(text) or ""
            if "kernels started" in said:  # Voila's "pool is filled" line: the kernels have started
                self.filled_at.append(time.perf_counter() - self.started)
            elif "ready for" in said:  # course_lib.dashboard_server: every kernel has run the dashboard
                self.ready_at.append(time.perf_counter() - self.started)
            elif "took a preheated kernel" in said:
                self.taken += 1

    def _watch_kernels(self) -> None:
        """Every 0.2 s: find the server's kernels, follow their IOPub, note which have run the notebook."""
        while not self._stopping.is_set():
            try:
                self.server_samples.append((self.elapsed(), *_proc_state(self.process.pid)))
            except (OSError, ValueError, IndexError):
                pass
            stats = kernel_stats(self.process.pid)
            self.latest = stats
            self.kernel_pids |= set(stats)
            for pid, stat in stats.items():
                self.iopub.follow(pid, stat["connection_file"])
            self.iopub.poll(self.elapsed())
            self._stopping.wait(0.2)
        self.iopub.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def check_running(self) -> None:
        if self.process.poll() is not None:
            tail = "\n".join(list(self.log)[-15:])
            raise RuntimeError(f"Voila stopped (exit status {self.process.returncode}); its last lines:\n{tail}")

    def wait_listening(self, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.check_running()
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self.elapsed()
            time.sleep(0.1)
        raise TimeoutError(f"Voila did not listen on port {self.port} within {timeout:.0f} s")

    def kernels(self) -> dict[int, dict]:
        """The server's kernels as last seen (pid -> CPU seconds, memory, connection file)."""
        return dict(self.latest)

    def wait_preheated(self, kernels: int, timeout: float) -> dict:
        """Wait until ``kernels`` kernels (counting those visitors took) have run the whole notebook, Voila
        has said its pool is filled, and the server itself has gone quiet (it reads every message the
        kernels sent while running the notebook, after they are done). Returns when the last kernel
        finished, when the server settled, and the stats of the preheated kernels still running."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.check_running()
            stats, done = self.kernels(), dict(self.iopub.done)
            if self.filled_at and len(done) >= kernels and settled(list(self.server_samples)):
                ready = {pid: stat for pid, stat in stats.items() if pid in done}
                return {"preheated_s": round(sorted(done.values())[kernels - 1], 1),
                        "settled_s": round(self.elapsed(), 1), "kernels": ready}
            time.sleep(0.2)
        raise TimeoutError(f"the pool of {self.pool_size} was not preheated within {timeout:.0f} s "
                           f"({len(self.iopub.done)} of {kernels} kernels had run the notebook; Voila said "
                           f"'filled' {len(self.filled_at)} times)")

    def server_rss_mb(self) -> float:
        try:
            return _rss_mb(self.process.pid)
        except OSError:
            return 0.0

    def stop(self) -> None:
        """Stop Voila (it shuts its kernels down); end any of its kernels still running, by pid."""
        self._stopping.set()
        self._threads[1].join(timeout=10)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            alive = [pid for pid in self.kernel_pids if _is_kernel(pid)]
            if not alive:
                return
            time.sleep(0.2)
        for pid in alive:
            try:
                os.kill(pid, 9)
            except OSError:
                pass


def _is_kernel(pid: int) -> bool:
    try:
        return "ipykernel" in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return False


# ---------------------------------------------------------------------------- protocol-level sessions


async def widget_state_session(url: str, http: AsyncHTTPClient, timeout: float, hold: asyncio.Event,
                               settled: asyncio.Event) -> dict:
    """One visitor without a browser: page, kernel websocket, widget state. Sets ``settled`` when it has
    the state (or has failed), then keeps the websocket open until ``hold`` is set (the class stays
    connected while the others arrive) and closes it."""
    start = time.perf_counter()
    result: dict = {"ok": False}
    connection = None
    try:
        async with asyncio.timeout(timeout):
            response = await http.fetch(url, connect_timeout=timeout, request_timeout=timeout)
            result["page_s"] = time.perf_counter() - start
            kernel_id = page_kernel_id(response.body.decode("utf-8", "replace"))
            session, comm_id = uuid.uuid4().hex, uuid.uuid4().hex
            ws_url = url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels?session_id={session}"
            connection = await websocket_connect(HTTPRequest(ws_url, connect_timeout=timeout, request_timeout=timeout),
                                                 subprotocols=[V1_PROTOCOL], max_message_size=256 * 1024 * 1024)
            result["websocket_s"] = time.perf_counter() - start
            for message in request_states_messages(session, comm_id):
                await connection.write_message(to_frame(message), binary=True)
            while True:
                frame = await connection.read_message()
                if frame is None:
                    raise ConnectionError(f"the server closed the websocket ({connection.close_reason})")
                if isinstance(frame, str):
                    continue
                channel, header, content, buffers = from_frame(frame)
                if is_update_states(channel, header, content, comm_id):
                    states = content["data"].get("states", {})
                    result.update(ok=True, state_s=time.perf_counter() - start, widgets=len(states),
                                  state_kb=len(frame) / 1024, buffers=buffers,
                                  panel_errors=json.dumps(states).count("could not start"))
                    break
        settled.set()
        await asyncio.wait_for(hold.wait(), timeout)
    except Exception as error:  # noqa: BLE001 - a failed session is a result, not a crash
        result["error"] = f"{type(error).__name__}: {error}"[:200]
    finally:
        settled.set()
        if connection is not None:
            connection.close()
    return result


async def protocol_sessions(url: str, sessions: int, timeout: float) -> dict:
    """``sessions`` protocol-level visitors arriving at the same moment."""
    http = AsyncHTTPClient(force_instance=True, max_clients=sessions + 2)
    hold = asyncio.Event()
    settled = [asyncio.Event() for _ in range(sessions)]
    try:
        tasks = [asyncio.create_task(widget_state_session(url, http, timeout, hold, event)) for event in settled]
        try:
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in settled)), timeout + 10)
        except TimeoutError:
            pass  # each session has its own timeout; this only bounds the wait
        hold.set()
        results = await asyncio.gather(*tasks)
    finally:
        http.close()
    return summarise_sessions(results)


def summarise_sessions(results: list[dict]) -> dict:
    ok = [r for r in results if r.get("ok")]
    states = [r["state_s"] for r in ok]
    return {"sessions": len(results), "with_state": len(ok),
            "within_target": sum(t <= STATE_TARGET_S for t in states),
            "state_s": summary(states), "page_s": summary([r["page_s"] for r in ok]),
            "widgets": max((r["widgets"] for r in ok), default=None),
            "state_kb": round(statistics.median([r["state_kb"] for r in ok]), 1) if ok else None,
            "panel_errors": max((r["panel_errors"] for r in ok), default=0),
            "errors": sorted({r["error"] for r in results if "error" in r})[:5]}


# ---------------------------------------------------------------------------- real browsers


async def browser_sessions(url: str, count: int, moves: int, settle=None) -> dict:
    """``count`` Chromium pages (one browser, a context each) opened at the same time; once all are
    interactive and ``settle()`` (if given: waiting for the pool to refill) has returned, each moves a
    slider ``moves`` times, all at the same time, timing key press -> new picture loaded inside the page."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from dashboard_latency import ARGS, CHROMIUM, IMAGE, slider_latencies
    from playwright.async_api import async_playwright

    async def open_page(browser):
        page = await browser.new_page(viewport={"width": 1250, "height": 950})
        start = time.perf_counter()
        await page.goto(url, timeout=120000)
        image = page.locator(IMAGE).first
        await image.wait_for(timeout=120000)
        await page.locator(".noUi-handle >> visible=true").first.wait_for(timeout=120000)
        return page, time.perf_counter() - start

    async def move(page) -> list[float]:
        return await slider_latencies(page, moves)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            version = browser.version
            opened = await asyncio.gather(*(open_page(browser) for _ in range(count)), return_exceptions=True)
            pages = [o for o in opened if isinstance(o, tuple)]
            settled_s = None
            if settle is not None:
                start = time.perf_counter()
                await settle()
                settled_s = round(time.perf_counter() - start, 1)
            runs = await asyncio.gather(*(move(page) for page, _ in pages), return_exceptions=True)
        finally:
            await browser.close()
    ok = [r for r in runs if isinstance(r, list) and r]
    latencies = [ms for r in ok for ms in r]
    return {"browsers": count, "chromium": version, "moves_each": moves, "completed": len(ok),
            "interactive_s": summary([seconds for _, seconds in pages]), "pool_refilled_after_s": settled_s,
            "redraw_ms": summary(latencies, 1),
            "per_browser_ms": [{"median": round(statistics.median(r), 1), "max": round(max(r), 1)} for r in ok],
            "within_target": sum(ms <= REDRAW_TARGET_MS for ms in latencies), "moves": len(latencies),
            "errors": [f"{type(e).__name__}: {e}"[:200] for e in [*opened, *runs] if isinstance(e, Exception)]}


# ---------------------------------------------------------------------------- one mode, all modes


def measure_mode(mode: str, args, env: dict, workdir: Path) -> dict:
    notebook = None
    if mode == "eager":
        notebook = eager_notebook(Path(str(DASHBOARD_NOTEBOOK)), workdir / "dashboard_eager.ipynb")
    size = args.class_size
    server = Server(free_port(), size, notebook, env)
    out: dict = {"mode": mode, "pool_size": size}
    try:
        out["listening_s"] = round(server.wait_listening(60), 1)
        pool = server.wait_preheated(size, timeout=args.pool_timeout)
        kernels = pool["kernels"].values()
        out["pool"] = {"filled_line_s": round(server.filled_at[0], 1),
                       "ready_line_s": round(server.ready_at[0], 1) if server.ready_at else None,
                       "preheated_s": pool["preheated_s"],
                       "server_settled_s": pool["settled_s"],
                       "kernels": len(kernels),
                       "cpu_s_per_kernel": round(statistics.median(k["cpu_s"] for k in kernels), 2),
                       "rss_mb_per_kernel": {"median": round(statistics.median(k["rss_mb"] for k in kernels), 1),
                                             "max": round(max(k["rss_mb"] for k in kernels), 1)},
                       "rss_mb_all_kernels": round(sum(k["rss_mb"] for k in kernels)),
                       "server_rss_mb": round(server.server_rss_mb(), 1)}
        print(f"[{mode}] pool of {size}: kernels started after {out['pool']['filled_line_s']} s, all preheated "
              f"after {pool['preheated_s']} s, server settled after {pool['settled_s']} s; "
              f"{out['pool']['rss_mb_per_kernel']['median']} MB and {out['pool']['cpu_s_per_kernel']} s of CPU per "
              "kernel", flush=True)
        if mode == "lazy" and args.browsers:
            def refilled():  # each kernel a page took is replaced; the slider moves start after that
                return asyncio.to_thread(server.wait_preheated, size + server.taken, args.pool_timeout)

            out["browsers"] = asyncio.run(browser_sessions(server.url, args.browsers, args.moves, refilled))
            print(f"[{mode}] {args.browsers} browsers: redraw {out['browsers']['redraw_ms']}", flush=True)
            server.wait_preheated(size + server.taken, timeout=args.pool_timeout)
        out["protocol"] = asyncio.run(protocol_sessions(server.url, args.sessions, args.session_timeout))
        print(f"[{mode}] {args.sessions} protocol sessions: {out['protocol']['with_state']} with widget state, "
              f"{out['protocol']['within_target']} within {STATE_TARGET_S:g} s; {out['protocol']['state_s']}",
              flush=True)
    except (RuntimeError, TimeoutError) as error:
        out["error"] = str(error)[:2000]
        print(f"[{mode}] stopped: {error}", flush=True)
    finally:
        server.stop()
    out["command"] = shown_command(server.command, workdir)
    return out


def shown_command(command: list[str], workdir: Path) -> str:
    """``command`` as one line without this machine's folders (python, the repository, the temporary one)."""
    parts = ["python", *command[1:]]
    for folder, name in ((str(workdir), "$TMPDIR"), (str(REPO), ".")):
        parts = [part.replace(folder + os.sep, name + "/") for part in parts]
    return " ".join(parts)


def versions() -> dict:
    found = {}
    for name in ("voila", "jupyter_server", "ipywidgets", "ipykernel", "tornado", "matplotlib", "numpy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        return None
    return None


def run(args) -> dict:
    env = dict(os.environ)
    results = {"date": time.strftime("%Y-%m-%d %H:%M"),
               "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "memory_gb": memory_gb(),
                           "python": platform.python_version(), "versions": versions(),
                           "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
               "class_size": args.class_size, "sessions": args.sessions, "browsers": args.browsers,
               "note": args.note, "tiny": args.tiny, "modes": {}}
    with tempfile.TemporaryDirectory(prefix="class-benchmark-") as workdir:
        for mode in args.modes:
            results["modes"][mode] = measure_mode(mode, args, env, Path(workdir))
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["advice"] = advice(results)
    return results


# ---------------------------------------------------------------------------- report


def _mb(pool: dict | None) -> str:
    return f"{pool['rss_mb_per_kernel']['median']:.0f} MB" if pool else "-"


def advice(r: dict) -> list[str]:
    """Two to four sentences for the instructor that follow from the numbers in ``r``."""
    lazy, eager = r["modes"].get("lazy", {}), r["modes"].get("eager", {})
    main = lazy or eager
    pool, proto = main.get("pool"), main.get("protocol")
    lines = []
    if pool:
        per_kernel = pool["rss_mb_per_kernel"]["median"]
        size = main["pool_size"]
        memory = r["machine"].get("memory_gb")
        line = (f"Memory: about {per_kernel:.0f} MB per student (a kernel each), so a class of {size} needs about "
                f"{per_kernel * size / 1024:.1f} GB plus {pool['server_rss_mb']:.0f} MB for the server")
        if memory:
            fits = int(memory * 1024 * 0.7 / per_kernel)
            line += f"; this machine's {memory:g} GB hold about {fits} students with room to spare"
        lines.append(line + ".")
        ready = pool.get("server_settled_s", pool["preheated_s"])
        lines.append(f"Pool: start with `make dashboard CLASS_SIZE={size}` (one preheated kernel per student) at "
                     f"least {max(1, round(ready / 60 + 0.49))} min before the lesson: the pool was ready after "
                     f"{ready:.0f} s here ({pool['cpu_s_per_kernel']:.1f} s of CPU per kernel on "
                     f"{r['machine']['cores']} cores); Voila's \"filled\" line came at {pool['filled_line_s']:.0f} s, "
                     "when the kernels had started but not yet run the dashboard.")
    if lazy.get("pool") and eager.get("pool"):
        saved_mb = eager["pool"]["rss_mb_per_kernel"]["median"] - lazy["pool"]["rss_mb_per_kernel"]["median"]
        saved_cpu = eager["pool"]["cpu_s_per_kernel"] - lazy["pool"]["cpu_s_per_kernel"]
        line = (f"Cheaper sessions: building only the first tab when the page opens saves {saved_mb:.0f} MB "
                f"and {saved_cpu:.1f} s of CPU per student against building all eight tabs at once "
                f"({_mb(lazy['pool'])} vs {_mb(eager['pool'])})")
        if (lazy.get("protocol") or {}).get("state_s") and (eager.get("protocol") or {}).get("state_s"):
            fast, slow = lazy["protocol"]["state_s"]["median"], eager["protocol"]["state_s"]["median"]
            line += (f"; the widget state arrives {'sooner' if fast < 0.9 * slow else 'about as fast'} "
                     f"(median {fast:.1f} s vs {slow:.1f} s, {lazy['protocol']['state_kb']:.0f} KB vs "
                     f"{eager['protocol']['state_kb']:.0f} KB)")
        lines.append(line + ".")
    if proto and proto.get("state_s"):
        missed = proto["sessions"] - proto["within_target"]
        if missed == 0:
            lines.append(f"Beyond one machine: all {proto['sessions']} sessions had a working page within "
                         f"{STATE_TARGET_S:g} s, so one server of this size serves a class this large; move to "
                         "JupyterHub (students' kernels spread over several machines) when the class no longer "
                         "fits in memory or cannot wait for one machine to preheat it.")
        else:
            lines.append(f"Beyond one machine: {missed} of {proto['sessions']} sessions waited more than "
                         f"{STATE_TARGET_S:g} s for a working page (slowest {proto['state_s']['max']:.1f} s) on "
                         f"{r['machine']['cores']} cores; give the server more cores, or move to JupyterHub, which "
                         "spreads students' kernels over several machines.")
    return lines[:4]


def _cell_state(proto: dict | None) -> str:
    if not proto or not proto.get("state_s"):
        return "-" if not proto else f"none of {proto['sessions']} ({'; '.join(proto['errors'][:1])})"
    s = proto["state_s"]
    return f"median {s['median']:.2f} s, p95 {s['p95']:.2f} s, max {s['max']:.2f} s"


def _cell_widgets(mode: dict) -> str:
    proto = mode.get("protocol")
    if not proto or not proto.get("widgets"):
        return "-"
    errors = f", {proto['panel_errors']} panels could not start" if proto["panel_errors"] else ""
    return f"{proto['widgets']} widgets, {proto['state_kb']:.0f} KB{errors}"


def to_markdown(r: dict) -> str:
    m = r["machine"]
    modes = [mode for mode in ("lazy", "eager") if mode in r["modes"]]
    names = {"lazy": "first tab built (shipped)", "eager": "all tabs built"}
    n = r["sessions"]

    def row(label, cell, target=""):
        return "| " + " | ".join([label, *(cell(r["modes"][mode]) for mode in modes), target]) + " |"

    def pool(key, fmt):
        return lambda d: fmt(d["pool"].get(key)) if d.get("pool") else "-"

    lines = [
        f"Measured {r['date']} on {m['arch']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
        f"Voila {m['versions']['voila']}, ipywidgets {m['versions']['ipywidgets']}; pool of {r['class_size']} "
        f"preheated kernels; load average {m['load_average_at_start'][0]} at the start"
        + (f" ({r['note']})" if r.get("note") else "") + "."
        + (" A tiny smoke run, not a measurement." if r.get("tiny") else ""),
        "",
        "| measure | " + " | ".join(names[mode] for mode in modes) + " | target |",
        "|---|" + "---|" * len(modes) + "---|",
        row("kernels started (Voila's \"filled\" line)", pool("filled_line_s", lambda v: f"{v:.0f} s")),
        row("pool preheated (every kernel ran the dashboard)", pool("preheated_s", lambda v: f"{v:.0f} s")),
        row("server settled (Voila read every kernel's output)", pool("server_settled_s", lambda v: f"{v:.0f} s")),
        row("`make dashboard` says \"ready for N visitors\"",
            pool("ready_line_s", lambda v: "-" if v is None else f"{v:.0f} s")),
        row("CPU per kernel to preheat", pool("cpu_s_per_kernel", lambda v: f"{v:.1f} s")),
        row("memory per kernel (median, max)",
            pool("rss_mb_per_kernel", lambda v: f"{v['median']:.0f} MB, {v['max']:.0f} MB")),
        row(f"{n} sessions at once: time to widget state (no browser)", lambda d: _cell_state(d.get("protocol")),
            f"all within {STATE_TARGET_S:g} s"),
        row(f"{n} sessions at once: widget state within {STATE_TARGET_S:g} s",
            lambda d: f"{d['protocol']['within_target']} of {d['protocol']['sessions']}" if d.get("protocol") else "-",
            f"{n} of {n}"),
        row("widget state per page", _cell_widgets),
    ]
    browsers = r["modes"].get("lazy", {}).get("browsers")
    if browsers and browsers.get("redraw_ms"):
        b = browsers["redraw_ms"]
        cells = [f"{browsers['completed']} of {browsers['browsers']} pages: median {b['median']:.0f} ms, "
                 f"max {b['max']:.0f} ms ({browsers['within_target']} of {browsers['moves']} moves within target; "
                 f"all interactive after {browsers['interactive_s']['max']:.1f} s; moves made once the pool "
                 "had refilled)"]
        cells += ["-"] * (len(modes) - 1)
        lines.append(f"| {browsers['browsers']} Chromium pages at once: slider to redraw | " + " | ".join(cells)
                     + f" | <= {REDRAW_TARGET_MS:.0f} ms |")
    errors = {mode: r["modes"][mode]["error"] for mode in modes if r["modes"][mode].get("error")}
    lines.append("")
    lines += [f"- {line}" for line in r.get("advice", [])]
    lines += [f"- The {mode} run stopped early: {text.splitlines()[0]}" for mode, text in errors.items()]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=int(os.environ.get("CLASS_SIZE", 30)),
                        help="preheated kernels in the pool (default: $CLASS_SIZE or 30)")
    parser.add_argument("--sessions", type=int, default=None,
                        help="simultaneous protocol-level sessions (default: the class size)")
    parser.add_argument("--browsers", type=int, default=3, help="Chromium pages opened at once (0: none)")
    parser.add_argument("--moves", type=int, default=10, help="slider moves per browser")
    parser.add_argument("--modes", nargs="+", choices=("lazy", "eager"), default=["lazy", "eager"],
                        help="lazy: only the first tab built when the page opens (shipped); eager: all tabs")
    parser.add_argument("--session-timeout", type=float, default=60.0, help="seconds one session may take")
    parser.add_argument("--pool-timeout", type=float, default=None,
                        help="seconds the pool may take to preheat (default: 60 + 20 per kernel)")
    parser.add_argument("--note", default="", help="a remark for the table, e.g. 'other jobs were running'")
    parser.add_argument("--tiny", action="store_true",
                        help="a seconds-long smoke run: pool of 1, 1 session, no browser, lazy only")
    parser.add_argument("--out", default=str(RESULTS), help="folder for class-benchmark.{json,md}")
    args = parser.parse_args(argv)
    if args.tiny:
        args.class_size, args.sessions, args.browsers, args.modes = 1, 1, 0, ["lazy"]
    if not 1 <= args.class_size <= 200:
        parser.error(f"--class-size must be a whole number from 1 to 200; got {args.class_size}")
    args.sessions = args.class_size if args.sessions is None else args.sessions
    if args.sessions < 1 or args.browsers < 0 or args.moves < 1:
        parser.error(f"--sessions and --moves must be at least 1 and --browsers at least 0; got {args.sessions}, "
                     f"{args.moves} and {args.browsers}")
    args.pool_timeout = args.pool_timeout or 60 + 20 * args.class_size
    results = run(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "class-benchmark" + ("-tiny" if args.tiny else "")
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / f"{name}.md").write_text(to_markdown(results))
    print(to_markdown(results))
    return 1 if any(mode.get("error") for mode in results["modes"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())

"""The dashboard without a browser: tabs, lazy building, failures contained to their tab,
no TensorFlow anywhere, and the notebook shipped as package data."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course_lib import dashboard

REPO = Path(__file__).resolve().parents[1]


def test_tabs_titles_and_explanations():
    board = dashboard.build_dashboard()
    titles = [board.tabs.get_title(k) for k in range(len(dashboard.PANELS))]
    assert titles == ["Transform lab", "Composition & relu", "Uncrumpling", "Gradient descent", "Momentum",
                      "Graph stepper", "MNIST explorer", "Check yourself"]
    for container, (_, text, _) in zip(board.containers, dashboard.PANELS):
        assert len(text) > 150 and container.children[0].value.startswith("<p")  # one paragraph for the room


def test_only_the_first_panel_is_built_until_a_tab_is_opened():
    board = dashboard.build_dashboard()
    assert list(board.panels) == ["Transform lab"]
    board.tabs.selected_index = 5
    assert list(board.panels) == ["Transform lab", "Graph stepper"]
    assert board.containers[5].children[1] is board.panels["Graph stepper"].widget


def test_a_failing_panel_shows_a_message_in_its_tab_only(monkeypatch):
    def broken():
        raise RuntimeError("no data here")

    def missing_file():
        raise FileNotFoundError("[Errno 2] No such file or directory: '/srv/course/data/mnist.npz'")

    monkeypatch.setattr(dashboard, "PANELS", dashboard.PANELS[:1] + [("Broken", "x" * 200, broken)])
    board = dashboard.build_dashboard(eager=True)
    assert board.errors == {"Broken": "RuntimeError: no data here"}
    assert "This panel could not start: no data here" in board.containers[1].children[1].value
    assert "Transform lab" in board.panels
    monkeypatch.setattr(dashboard, "PANELS", dashboard.PANELS[:1] + [("Missing", "x" * 200, missing_file)])
    shown = dashboard.build_dashboard(eager=True).containers[1].children[1].value
    assert "No such file or directory: &#x27;mnist.npz&#x27;" in shown and "/srv" not in shown  # no server path


def test_messages_lose_their_server_paths():
    assert dashboard.without_paths("No such file: '/srv/course/data/mnist.npz'") == "No such file: 'mnist.npz'"
    assert dashboard.without_paths(r"C:\Users\ada\course\weights.npz is missing") == "weights.npz is missing"
    assert dashboard.without_paths("in /opt/venv/lib/python3.11/site-packages/x/y.py, line 3") == "in y.py, line 3"
    assert dashboard.without_paths("ratio 3/4, a shape (2, 3)") == "ratio 3/4, a shape (2, 3)"


class FakeKernel:
    def __init__(self):
        self.handling = "comm_msg"

    def get_parent(self):
        return {"header": {"msg_type": self.handling}}


class FakeShell:
    """Stands in for the kernel's IPython: ipywidgets calls ``showtraceback()`` inside ``except``."""

    def __init__(self):
        self.kernel, self.cell_tracebacks = FakeKernel(), []

    def showtraceback(self, *args, **kwargs):  # the real one sends the traceback to the page
        self.cell_tracebacks.append(sys.exc_info()[0])


def test_a_failing_callback_shows_one_line_and_logs_the_traceback(monkeypatch, caplog):
    import logging

    for name in ("Comm", "ipykernel.comm"):  # the guard reroutes these; give them back after the test
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "propagate", logger.propagate)
        monkeypatch.setattr(logger, "handlers", list(logger.handlers))
    shown, shell = [], FakeShell()
    assert dashboard.install_error_guard(show=shown.append, shell=shell)
    assert dashboard.install_error_guard(show=shown.append, shell=shell)  # a second dashboard: still one guard
    try:
        {}["secret-key"]
    except KeyError:
        shell.showtraceback()  # as ipywidgets does, handling a comm message from the page
    assert shown == ["Something went wrong there (KeyError); the rest of the page still works."]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Traceback (most recent call last)" in logged and "secret-key" in logged
    assert shell.cell_tracebacks == []
    assert logging.getLogger("Comm").propagate is False  # comm failures no longer reach stderr (the page)
    shell.showtraceback()  # nothing to show outside an exception: no message
    assert len(shown) == 1
    shell.kernel.handling = "execute_request"  # a cell's own error keeps its traceback (JupyterLab)
    try:
        1 / 0
    except ZeroDivisionError:
        shell.showtraceback()
    try:
        1 / 0
    except ZeroDivisionError:
        shell.kernel.handling = "comm_msg"
        shell.showtraceback(running_compiled_code=True)
    assert shell.cell_tracebacks == [ZeroDivisionError, ZeroDivisionError] and len(shown) == 1


def test_the_guard_does_nothing_outside_ipython():
    assert dashboard.install_error_guard(show=print) is False
    board = dashboard.build_dashboard()
    assert board.widget.children[1] is board.notice and board.notice.value == ""
    board.show_problem("Something went wrong there (ValueError) in /srv/x/y.py")
    assert "role='alert'" in board.notice.value and "/srv" not in board.notice.value


def test_every_panel_builds_and_the_summary_says_so(mnist_path, monkeypatch):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    board = dashboard.build_dashboard(eager=True)
    assert board.errors == {} and len(board.panels) == 8
    bundle = board._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Dashboard: 8 tabs (Transform lab")
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == board.widget.model_id
    # Every icon a button shows is in the Font Awesome that Voila's own style bundle serves (no CDN).
    icons, todo = set(), [board.widget]
    while todo:
        widget = todo.pop()
        icons.add(getattr(widget, "icon", "") or "")
        todo += list(getattr(widget, "children", ()))
    icons.discard("")
    assert len(icons) >= 3
    bundle_js = _voila_style_bundle().read_text(encoding="utf-8")
    assert sorted(icon for icon in icons if f".fa-{icon}:before" not in bundle_js) == []


def _voila_style_bundle() -> Path:
    """voila-style.js as the dashboard's template finds it (Font Awesome 5 and its fonts are inside)."""
    from jupyter_core.paths import jupyter_path

    for root in jupyter_path():
        candidate = Path(root) / "voila" / "templates" / "base" / "static" / "voila-style.js"
        if candidate.is_file():
            return candidate
    raise AssertionError("voila-style.js is not installed: is Voila installed?")


@pytest.mark.server
def test_the_dashboard_never_imports_tensorflow(mnist_path):
    code = ("import sys; from course_lib.dashboard import build_dashboard; build_dashboard(eager=True); "
            "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "COURSE_MNIST_PATH": str(mnist_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_dashboard_notebook_is_package_data_and_builds_the_dashboard():
    notebook = Path(str(dashboard.DASHBOARD_NOTEBOOK))
    assert notebook.is_file() and notebook.parent == Path(dashboard.__file__).parent
    code = "".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
    assert "build_dashboard(" in code
    command = dashboard.voila_command(9999)
    assert str(notebook) in command and "--Voila.ip=127.0.0.1" in command


def test_the_command_serves_through_the_hardened_server_module():
    from course_lib import dashboard_server

    command = dashboard.voila_command(9999, pool_size=3)
    assert command[1:3] == ["-m", "course_lib.dashboard_server"]
    assert dashboard_server.CONNECTION_OPTION in command  # kernel websockets: v1 only, frames checked
    assert f"--template={dashboard_server.TEMPLATE_NAME}" in command  # the page asks no CDN
    assert command[-2:] == ["--preheat_kernel=True", "--pool_size=3"]
    assert not any(flag.startswith("--VoilaConfiguration.show_tracebacks") for flag in command)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.server
def test_a_non_editable_install_serves_the_dashboard(tmp_path, mnist_path):
    """`pip install .` (no editable link to the clone), then `python -m course_lib.dashboard` from elsewhere."""
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(REPO)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-2000:]
    shutil.rmtree(REPO / "build", ignore_errors=True)  # setuptools' scratch folder
    installed = target / "course_lib"
    assert (installed / "dashboard.ipynb").is_file() and (installed / "panels" / "mnist_dense_64.npz").is_file()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(target), "COURSE_MNIST_PATH": str(mnist_path), "COURSE_OFFLINE": "1"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([sys.executable, "-c", "import course_lib.dashboard as d; print(d.DASHBOARD_NOTEBOOK)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(installed / "dashboard.ipynb"), where.stderr
    server = subprocess.Popen([sys.executable, "-m", "course_lib.dashboard", "--port", str(port), "--cold"],
                              cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page, deadline = "", time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:  # noqa: S310
                    page = response.read().decode("utf-8", "replace")
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stdout.read()[-3000:]
        assert "voila" in page.lower() and "Dashboard: 8 tabs" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert f"open http://127.0.0.1:{port}/" in server.stdout.read()


def test_the_pool_watch_says_when_the_class_can_come_and_when_it_drains():
    watch = dashboard.PoolWatch(30)
    assert watch.line("[Voila] Kernel started: 3f67") is None
    # Voila's "filled" line comes when the kernels have started, before they have run the dashboard.
    started = watch.line("[Voila] Kernel pool of dashboard.ipynb is filled with 30 kernel(s)")
    assert "30 kernels started" in started and "ready for" not in started
    assert watch.line("[Voila] Preheated kernels ready: 29 of 30") is None and watch.ready == 29
    assert watch.line("[Voila] Preheated kernels ready: 30 of 30") == "Dashboard: ready for 30 visitors."
    assert watch.line("[Voila] Preheated kernels ready: 30 of 30") is None, "said once"
    drained = watch.line("[Voila] Using pre-heated kernel: e398 for dashboard.ipynb")
    assert "29 of 30 ready" in drained and watch.ready == 29
    assert watch.line("[Voila] Preheated kernels ready: 30 of 30").endswith("30 visitors.")


def test_the_command_binds_loopback_unless_public_and_checks_its_numbers():
    assert "--Voila.ip=127.0.0.1" in dashboard.voila_command(9000, pool_size=30)
    assert "--pool_size=30" in dashboard.voila_command(9000, pool_size=30)
    assert "--Voila.ip=0.0.0.0" in dashboard.voila_command(9000, public=True)
    for bad in ({"pool_size": 0}, {"pool_size": "30"}, {"pool_size": 10_000}):
        with pytest.raises(ValueError, match="pool_size must be a whole number"):
            dashboard.voila_command(9000, **bad)
    with pytest.raises(ValueError, match="port must be"):
        dashboard.voila_command(70000)


@pytest.mark.parametrize("size", ["0", "-3", "201", "lots"])
def test_a_bad_class_size_is_refused_with_a_message(size, capsys):
    with pytest.raises(SystemExit):
        dashboard.main(["--class-size", size])
    assert "class-size" in capsys.readouterr().err


@pytest.mark.server
def test_the_dashboard_says_when_it_is_ready_for_the_class(mnist_path):
    port = _free_port()
    env = {**os.environ, "COURSE_MNIST_PATH": str(mnist_path), "COURSE_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "course_lib.dashboard", "--port", str(port), "--class-size", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        said, deadline = [], time.monotonic() + 180
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            said.append(line.strip())
            if line.strip() == "Dashboard: ready for 2 visitors.":
                break
        assert "Dashboard: ready for 2 visitors." in said, said
        assert any("preheating 2 kernels, about 220 MB" in line for line in said), said
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:  # noqa: S310 - loopback
            assert "Dashboard: 8 tabs" in response.read().decode("utf-8", "replace")
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Stopping the command stops Voila and its kernels with it.
    time.sleep(1)
    left = subprocess.run(["pgrep", "-f", f"Voila.port={port}"], capture_output=True, text=True).stdout.split()
    assert left == [], left

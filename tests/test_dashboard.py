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

    monkeypatch.setattr(dashboard, "PANELS", dashboard.PANELS[:1] + [("Broken", "x" * 200, broken)])
    board = dashboard.build_dashboard(eager=True)
    assert board.errors == {"Broken": "RuntimeError: no data here"}
    assert "This panel could not start: no data here" in board.containers[1].children[1].value
    assert "Transform lab" in board.panels


def test_every_panel_builds_and_the_summary_says_so(mnist_path, monkeypatch):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    board = dashboard.build_dashboard(eager=True)
    assert board.errors == {} and len(board.panels) == 8
    bundle = board._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Dashboard: 8 tabs (Transform lab")
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == board.widget.model_id


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
    assert watch.line("[Voila] Kernel pool of dashboard.ipynb is filled with 30 kernel(s)") == \
        "Dashboard: ready for 30 visitors."
    drained = watch.line("[Voila] Using pre-heated kernel: e398 for dashboard.ipynb")
    assert "29 of 30 ready" in drained and watch.ready == 29
    assert watch.line("[Voila] Kernel pool of dashboard.ipynb is filled with 30 kernel(s)").endswith("30 visitors.")


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

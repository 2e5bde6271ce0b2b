"""Shared fixtures and helpers for every test folder.

- Unit tests never touch the network: any connection that leaves this machine fails
  loudly, so a code path that silently needs the network cannot pass.
- Every test closes the pyplot figures it opened (``close_figures``).
- ``png_of(panel)`` and ``is_png(data)`` read the pictures panels draw.
- ``mnist_path`` and ``isolated_mnist_env`` give the real offline MNIST or none at all.
- Under ``make quick`` (``COURSE_QUICK_TESTS=1``) Keras, TensorFlow, nbgrader, nbconvert and
  Playwright cannot be imported at all (see ``tests/blocker.py``).
"""

import base64
import ipaddress
import os
import socket
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw figures without a display
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

from tests.blocker import QUICK_BLOCKED, block  # noqa: E402

if os.environ.get("COURSE_QUICK_TESTS") == "1":
    # `make quick`: a test that needs Keras, nbgrader or a browser must be marked so (and is
    # then deselected); an unmarked one fails here instead of silently slowing the edit loop.
    block(QUICK_BLOCKED, "blocked by `make quick`: mark the test keras, grader or browser")
    # Whole folders and files whose every test is marked grader or browser import those
    # packages at the top, so they are not even collected.
    collect_ignore = ["grading", "test_dashboard_browser.py"]

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "datasets" / "mnist.npz"


class NetworkAccessError(RuntimeError):
    pass


def _is_local(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return isinstance(address, (str, bytes))  # unix socket path


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Make every non-loopback connection raise :class:`NetworkAccessError`."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkAccessError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", _refuse_remote(socket.create_connection))


def _refuse_remote(create_connection):
    def guarded(address, *args, **kwargs):
        if not _is_local(address):
            raise NetworkAccessError(f"test tried to reach the network: {address!r}")
        return create_connection(address, *args, **kwargs)

    return guarded


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    """The real MNIST file the suite runs on: $COURSE_MNIST_PATH, else ../shared/datasets."""
    named = os.environ.get("COURSE_MNIST_PATH", "").strip()
    path = Path(named) if named else SHARED_MNIST
    if not path.is_file():
        pytest.fail(
            f"The tests need MNIST offline: set COURSE_MNIST_PATH to a copy of mnist.npz "
            f"(looked for {path}). `make test` does this, or fetches it, for you."
        )
    return path


@pytest.fixture
def isolated_mnist_env(monkeypatch, tmp_path):
    """No MNIST variable, downloads off, and an empty Keras home (no cached file)."""
    monkeypatch.delenv("COURSE_MNIST_PATH", raising=False)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr("course_lib.data.keras_cache_candidates",
                        lambda: [tmp_path / "keras_home" / "datasets" / "mnist.npz"])
    return tmp_path


@pytest.fixture
def graph_with_subtract(monkeypatch):
    """A graph ``d = a - b`` (a = 5, b = 2) using an operation added to the engine's table for this test."""
    from course_lib import graph

    subtract = graph.Operation("subtract", "{0} - {1}", lambda a, b: a - b, lambda a, b: (1.0, -1.0))
    monkeypatch.setitem(graph.OPERATIONS, "subtract", subtract)
    g = graph.Graph()
    g.variable("a", 5)
    g.variable("b", 2)
    g.operation("subtract", "d", "a", "b")
    return g


@pytest.fixture(autouse=True)
def close_figures():
    """Close every pyplot figure a test opened, so figures never pile up across tests."""
    yield
    plt.close("all")


def _png_of(panel) -> bytes:
    return bytes(panel.view.image.value)


def _is_png(data) -> bool:
    if isinstance(data, str):  # a display bundle holds base64 text
        data = base64.b64decode(data)
    return bytes(data).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture
def png_of():
    """``png_of(panel)``: the PNG bytes a panel's figure view currently shows."""
    return _png_of


@pytest.fixture
def is_png():
    """``is_png(data)``: whether bytes (or base64 text) are a PNG image."""
    return _is_png

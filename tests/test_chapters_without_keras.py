"""Chapters 2-4 need only NumPy, Matplotlib and ipywidgets, MNIST included.

- Each of them runs top to bottom in a kernel where ``keras`` and ``tensorflow`` cannot be
  imported (``tests/blocker.py``, run by the kernel before the first cell), with MNIST from
  the offline copy, the way ``tools/execute_notebooks.py`` runs notebooks.
- With no MNIST on disk at all, ``load_mnist()`` in such a Python downloads it itself into
  an empty Keras home, from a local server (127.0.0.1) standing in for the real one.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib import data
from tests.mnist_server import MnistServer, Reply

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = ["02_data_representations.ipynb", "03_tensor_operations.ipynb", "04_geometry_of_tensor_operations.ipynb"]
BLOCKED = ("keras", "tensorflow")

#: What the kernel runs before the notebook: the repository on sys.path, then the blocker.
KERNEL_SETUP = [
    f"import sys; sys.path.insert(0, {str(REPO)!r})",
    f"from tests.blocker import block; block({BLOCKED!r}, 'not installed in this test')",
]

#: A last cell added to each notebook: proves the blocker held until the end.
STILL_BLOCKED = f"""
import importlib, sys
for name in {BLOCKED!r}:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError(name + " could be imported")
assert not {{m.split(".")[0] for m in sys.modules}} & set({BLOCKED!r})
print("ran without keras and tensorflow")
"""


@pytest.mark.server
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_where_keras_and_tensorflow_cannot_be_imported(name, mnist_path, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    path = REPO / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(STILL_BLOCKED))
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.capture_fd_output=False"]
        + [f"--IPKernelApp.exec_lines={line}" for line in KERNEL_SETUP],
    )
    client.execute()  # a cell that raises (and is not tagged raises-exception) fails the test here
    last = "".join(output.get("text", "") for output in nb.cells[-1].outputs)
    assert last == "ran without keras and tensorflow\n"


DOWNLOAD_WITHOUT_KERAS = """
import socket, sys
real_connect = socket.socket.connect

def loopback_only(self, address):  # this test never reaches beyond 127.0.0.1
    if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "127.0.0.1":
        raise OSError(f"test tried to reach the network: {{address!r}}")
    return real_connect(self, address)

socket.socket.connect = loopback_only
sys.path.insert(0, {repo!r})
from tests.blocker import block
block({blocked!r}, "not installed in this test")
from course_lib import data
keras_places = data.keras_cache_candidates
data.keras_cache_candidates = lambda: keras_places()[:1]  # not Keras's /tmp fallback, which this machine may hold
(x_train, y_train), (x_test, y_test) = data.load_mnist()
assert not {{m.split(".")[0] for m in sys.modules}} & set({blocked!r})
print("arrays", x_train.shape, y_train[:10].tolist(), x_test.shape)
"""


@pytest.mark.server
def test_load_mnist_downloads_mnist_without_keras(mnist_path, tmp_path):
    keras_home = tmp_path / "keras_home"
    env = {name: value for name, value in os.environ.items()
           if name not in ("COURSE_MNIST_PATH", "COURSE_OFFLINE", "COURSE_MNIST_URL")}
    code = DOWNLOAD_WITHOUT_KERAS.format(repo=str(REPO), blocked=BLOCKED)
    with MnistServer() as server:
        server.replies["/mnist.npz"] = Reply(mnist_path.read_bytes())
        env.update(KERAS_HOME=str(keras_home), COURSE_MNIST_URL=server.url(), MPLBACKEND="Agg")
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert f"MNIST is not on this machine yet: downloading it once (11 MB) from {server.url()} ..." in out
    assert "] 100%  11.5 MB of 11.5 MB" in out and "SHA-256 verified" in out
    assert "arrays (60000, 28, 28) [5, 0, 4, 1, 9, 2, 1, 3, 1, 4] (10000, 28, 28)" in out
    assert server.requests == ["/mnist.npz"]
    cached = keras_home / "datasets" / "mnist.npz"
    assert data.sha256_of(cached) in data.KNOWN_SHA256
    assert sorted(p.name for p in cached.parent.iterdir()) == ["mnist.npz"]

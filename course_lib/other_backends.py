"""Run a notebook's function under another Keras backend (JAX, PyTorch), in a fresh Python process.

Keras picks its backend once, when it is first imported, so a notebook already running on
TensorFlow cannot switch to JAX or PyTorch. :func:`run_on_backend` takes a function written
in the notebook, runs its source in a subprocess with ``KERAS_BACKEND`` set, prints what it
printed, and returns what it returned (a list of losses). When the backend is not installed
it shows the output of a run recorded on a machine that had it (:data:`RECORDED_RUNS`), and
says so; a :class:`BackendRun` tells which of the two happened.

Introduced in notebook 06.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from course_lib.backend import QUIET_TF_ENV

#: The Python package each backend needs, as ``importlib`` finds it.
BACKEND_PACKAGES = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}

#: The readable name of each backend.
BACKEND_NAMES = {"jax": "JAX", "torch": "PyTorch", "tensorflow": "TensorFlow"}


@dataclass(frozen=True)
class BackendRun:
    """The outcome of :func:`run_on_backend`.

    Attributes:
        backend: the Keras backend, e.g. ``"jax"``.
        output: what the function printed.
        result: what it returned (decoded from JSON), e.g. the losses of its steps.
        live: ``True`` when it ran here just now, ``False`` for a recorded run.
        provenance: one line saying where the output comes from.
    """

    backend: str
    output: str
    result: object
    live: bool
    provenance: str

    def __str__(self) -> str:
        return f"{self.output.rstrip()}\n[backend run: {self.provenance}]"


@dataclass(frozen=True)
class RecordedRun:
    """A run saved for machines without the backend: its output, result, and where it was made."""

    output: str
    result: object
    recorded: str


#: Saved runs of notebook 06's ``jax_training_steps`` and ``torch_training_steps`` (3 steps
#: of plain SGD from :func:`course_lib.training.starting_weights` on MNIST's first 384 images).
RECORDED_RUNS = {
    "jax": RecordedRun(
        output="jax: step 1, loss 2.2921\njax: step 2, loss 2.2989\njax: step 3, loss 2.2862\n",
        result=[2.292135000228882, 2.2988641262054443, 2.2862484455108643],
        recorded="recorded on 2026-11-23 on Linux x86_64 (CPU) with jax 0.10.2, Keras 3.15.1, Python 3.11",
    ),
    "torch": RecordedRun(
        output="torch: step 1, loss 2.2921\ntorch: step 2, loss 2.2989\ntorch: step 3, loss 2.2862\n",
        result=[2.292135000228882, 2.2988641262054443, 2.2862484455108643],
        recorded="recorded on 2026-11-23 on Linux x86_64 (CPU) with torch 2.14.1, Keras 3.15.1, Python 3.11",
    ),
}


def backend_installed(backend: str) -> bool:
    """Return whether the package that ``backend`` needs can be imported here."""
    return importlib.util.find_spec(_package(backend)) is not None


def run_on_backend(function, backend: str, *, timeout: float = 300, show: bool = True) -> BackendRun:
    """Run ``function()`` in a new Python process whose Keras uses ``backend``.

    ``function`` must be defined at the top level of a module or notebook cell and import
    what it needs inside its body; it may print, and it must return something JSON can
    store. Without the backend installed, the recorded run of :data:`RECORDED_RUNS` is shown.

    Args:
        function: the function to run (its source is sent to the new process).
        backend: ``"jax"``, ``"torch"`` or ``"tensorflow"``.
        timeout: seconds the process may take.
        show: print the output and its provenance line.

    Raises:
        ValueError: for an unknown backend or a function whose source cannot be read.
        RuntimeError: when the process fails, with the end of its error output.
    """
    package = _package(backend)
    if not callable(function):
        raise ValueError(f"function must be a function defined in the notebook; got {function!r}.")
    if backend_installed(backend):
        run = _run_live(function, backend, timeout)
    else:
        saved = RECORDED_RUNS.get(backend)
        if saved is None or not saved.output:
            raise RuntimeError(f"{package} is not installed here and no run on {backend} was recorded.")
        run = BackendRun(backend, saved.output, saved.result, live=False,
                         provenance=f"{package} is not installed here, so this is the output {saved.recorded}")
    if show:
        print(run)
    return run


def _package(backend: str) -> str:
    if backend not in BACKEND_PACKAGES:
        raise ValueError(f"backend must be one of {sorted(BACKEND_PACKAGES)}; got {backend!r}.")
    return BACKEND_PACKAGES[backend]


def function_source(function) -> str:
    """Return the source of ``function``, dedented, or raise ``ValueError`` saying why not."""
    try:
        return textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError) as error:
        raise ValueError(f"the source of {getattr(function, '__name__', function)!r} cannot be read ({error}); "
                         "define it with `def` in a notebook cell or a module.") from error


def _run_live(function, backend: str, timeout: float) -> BackendRun:
    source = function_source(function)
    with tempfile.TemporaryDirectory() as folder:
        result_file = Path(folder) / "result.json"
        script = (f"{source}\n\nimport json as _json\nimport pathlib as _pathlib\n"
                  f"_pathlib.Path({str(result_file)!r}).write_text(_json.dumps({function.__name__}()))\n")
        env = {**os.environ, **QUIET_TF_ENV, "KERAS_BACKEND": backend}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,  # noqa: S603 - the notebook's own function
                              timeout=timeout, check=False)
        if done.returncode != 0 or not result_file.exists():
            raise RuntimeError(f"{function.__name__} failed under KERAS_BACKEND={backend}:\n{done.stderr[-3000:]}")
        result = json.loads(result_file.read_text())
    versions = f"{_package(backend)} {_version(_package(backend))}, Keras {_version('keras')}"
    return BackendRun(backend, done.stdout, result, live=True,
                      provenance=f"ran here just now, in a new process with KERAS_BACKEND={backend} ({versions})")


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown version"

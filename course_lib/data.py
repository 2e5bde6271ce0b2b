"""Load MNIST on any machine: offline from a local file, from the Keras cache, or by
the normal Keras download.

Where MNIST comes from, in this order:

1. a local ``.npz`` named by the ``COURSE_MNIST_PATH`` environment variable (or the
   ``path`` argument). If one is named, it is the only source tried: a wrong path is
   reported, not silently replaced by a download;
2. the file Keras keeps in its cache (``~/.keras/datasets/mnist.npz``);
3. the normal Keras download (11 MB, once), unless ``COURSE_OFFLINE=1`` forbids the
   network, as the test suite does.

Every local file is checked against the SHA-256 of a known MNIST archive before it is
read. Whatever goes wrong ends in one :class:`MnistUnavailableError` whose message says
what was tried and how to fix it.

Run ``python -m course_lib.data`` to see where MNIST would come from, and
``python -m course_lib.data --ensure`` to make sure it is on disk.

Introduced in notebooks 01, 02 and 06.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib.backend import import_keras, keras_home

MNIST_PATH_VAR = "COURSE_MNIST_PATH"
OFFLINE_VAR = "COURSE_OFFLINE"

#: SHA-256 of the MNIST archives this loader accepts, and where each comes from.
KNOWN_SHA256 = {
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1": "the file Keras downloads",
    "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64": "the course's offline copy",
}

#: The arrays an MNIST archive holds: name -> (shape, dtype).
MNIST_ARRAYS = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}

#: How to fix a missing MNIST, in one line (the environment report shows it).
FIX_SUMMARY = (f"with internet, unset {OFFLINE_VAR} (and {MNIST_PATH_VAR}) and run again; offline, set "
               f"{MNIST_PATH_VAR}=/full/path/to/mnist.npz.")

_HOW_TO_FIX = (
    "How to fix it:\n"
    "  - With internet: unset {offline} (and {path_var}) and run again; Keras downloads\n"
    "    MNIST once (11 MB) into ~/.keras/datasets/.\n"
    "  - Offline: get a copy of mnist.npz (build machines keep one in\n"
    "    ../shared/datasets/) and set {path_var}=/full/path/to/mnist.npz."
).format(offline=OFFLINE_VAR, path_var=MNIST_PATH_VAR)


class MnistUnavailableError(RuntimeError):
    """MNIST could not be loaded; the message says what was tried and how to fix it."""


@dataclass(frozen=True)
class MnistSource:
    """Where MNIST would be loaded from.

    Attributes:
        kind: ``"local"`` (named file), ``"cache"`` (Keras cache), ``"download"``
            (not on disk, Keras will download it) or ``"none"`` (no way to get it).
        path: the file, for ``"local"`` and ``"cache"``.
        problem: why it cannot be used, in one sentence, or ``None`` when it can.
        tried: what was tried, one line each (for the message).
    """

    kind: str
    path: Path | None = None
    problem: str | None = None
    tried: tuple = ()

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def fix(self) -> str:
        """How to make MNIST available, one line (empty when nothing needs fixing)."""
        return "" if self.ok else FIX_SUMMARY

    def explain(self) -> str:
        """The whole message for a learner: the problem, what was tried, and how to fix it."""
        if self.ok:
            return self.describe()
        tried = f" {self.tried[0]}" if len(self.tried) == 1 else "".join(f"\n  {line}" for line in self.tried)
        return f"{self.problem}\nTried:{tried}\n{_HOW_TO_FIX}"

    def describe(self) -> str:
        """Return one short line for reports (no full paths, so it reads the same anywhere)."""
        if self.problem:
            return "NOT available: " + self.problem
        if self.kind == "local":
            return f"local file {self.path.name} from ${MNIST_PATH_VAR} (SHA-256 verified)"
        if self.kind == "cache":
            return "Keras cache ~/.keras/datasets/mnist.npz (SHA-256 verified)"
        return "not on disk yet; Keras will download it (11 MB) on first use"


def sha256_of(path: str | os.PathLike) -> str:
    """Return the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def offline() -> bool:
    """Return ``True`` when ``COURSE_OFFLINE`` forbids downloads."""
    return os.environ.get(OFFLINE_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def keras_cache_candidates() -> list[Path]:
    """Return where Keras may have cached ``mnist.npz`` (its home, or its /tmp fallback)."""
    return [keras_home() / "datasets" / "mnist.npz",
            Path("/tmp/.keras/datasets/mnist.npz")]  # noqa: S108 - Keras's own fallback path, read only


def _file_problem(path: Path, verify_hash: bool) -> str | None:
    """Return why ``path`` cannot be used as MNIST, or ``None`` if it can."""
    if not path.exists():
        if not path.is_absolute():
            return (f"{path} does not exist (a relative path is read from the current folder, "
                    f"{Path.cwd()}; use a full path).")
        return f"{path} does not exist."
    if not path.is_file():
        return f"{path} is not a file."
    if verify_hash:
        digest = sha256_of(path)
        if digest not in KNOWN_SHA256:
            known = ", ".join(f"{h[:12]}... ({what})" for h, what in KNOWN_SHA256.items())
            return (
                f"{path} has SHA-256 {digest[:12]}..., which matches no known MNIST "
                f"archive (expected {known}). The file is damaged or is not MNIST."
            )
    return None


def locate_mnist(path: str | os.PathLike | None = None, *, verify_hash: bool = True) -> MnistSource:
    """Find where MNIST would come from, without loading or downloading anything.

    Args:
        path: a local ``.npz`` to use; defaults to ``$COURSE_MNIST_PATH`` if set.
        verify_hash: check local files against :data:`KNOWN_SHA256`.
    """
    named = path if path is not None else os.environ.get(MNIST_PATH_VAR, "").strip()
    if named:
        named = Path(named).expanduser()
        origin = "the path given" if path is not None else f"${MNIST_PATH_VAR}"
        problem = _file_problem(named, verify_hash)
        if problem:
            return MnistSource(
                "local", named, f"MNIST could not be loaded from {origin}: {problem}",
                (f"{origin} = {named} (nothing else is tried when a file is named).",),
            )
        return MnistSource("local", named)

    tried = [f"1. ${MNIST_PATH_VAR}: not set."]
    for candidate in keras_cache_candidates():
        problem = _file_problem(candidate, verify_hash)
        if problem is None:
            return MnistSource("cache", candidate)
        tried.append(f"2. Keras cache: {problem}")
    if offline():
        tried.append(f"3. Download: switched off by {OFFLINE_VAR}={os.environ[OFFLINE_VAR]}.")
        return MnistSource("none", None, "MNIST is not on this machine and downloads are switched off.", tuple(tried))
    return MnistSource("download")


def read_mnist_npz(path: str | os.PathLike):
    """Read an MNIST ``.npz`` archive and check its four arrays.

    Returns:
        ``(train_images, train_labels), (test_images, test_labels)``.

    Raises:
        MnistUnavailableError: the file is not a readable archive or holds the wrong arrays.
    """
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = sorted(set(MNIST_ARRAYS) - set(archive.files))
            if missing:
                raise MnistUnavailableError(
                    f"{path} is an .npz archive but lacks the arrays {missing} "
                    f"(it holds {sorted(archive.files)}): it is not an MNIST file.\n" + _HOW_TO_FIX
                )
            arrays = {name: archive[name] for name in MNIST_ARRAYS}
    except MnistUnavailableError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise MnistUnavailableError(
            f"{path} is not a readable .npz archive ({type(error).__name__}: {error}); "
            "it is damaged or incomplete.\n" + _HOW_TO_FIX
        ) from error
    for name, (shape, dtype) in MNIST_ARRAYS.items():
        if arrays[name].shape != shape or arrays[name].dtype != dtype:
            raise MnistUnavailableError(
                f"{path}: array {name!r} has shape {arrays[name].shape} and dtype "
                f"{arrays[name].dtype}; MNIST's has shape {shape} and dtype "
                f"{np.dtype(dtype).name}.\n" + _HOW_TO_FIX
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _download_with_keras():
    """Download MNIST the normal Keras way (into Keras's cache) and return its arrays."""
    keras = import_keras()
    return keras.datasets.mnist.load_data()


def load_mnist(path: str | os.PathLike | None = None, *, verify_hash: bool = True, download=None):
    """Load MNIST as ``(train_images, train_labels), (test_images, test_labels)``.

    Same arrays as ``keras.datasets.mnist.load_data()``: images uint8 ``(60000, 28, 28)``
    and ``(10000, 28, 28)``, labels uint8 ``(60000,)`` and ``(10000,)``.

    Args:
        path: a local ``.npz`` to use instead of ``$COURSE_MNIST_PATH``.
        verify_hash: check a local file's SHA-256 against :data:`KNOWN_SHA256`.
        download: the function that downloads MNIST (defaults to Keras's); for tests.

    Raises:
        MnistUnavailableError: with what was tried and how to fix it.
    """
    source = locate_mnist(path, verify_hash=verify_hash)
    if not source.ok:
        raise MnistUnavailableError(source.explain())
    if source.kind != "download":
        return read_mnist_npz(source.path)

    print("MNIST is not on this machine yet: downloading it once with Keras (11 MB)...", flush=True)
    try:
        (x_train, y_train), (x_test, y_test) = (download or _download_with_keras)()
    except Exception as error:  # the network, a proxy, a full disk: report, don't crash
        raise MnistUnavailableError(
            f"Downloading MNIST with Keras failed: {type(error).__name__}: {error}\n"
            f"Tried:\n  1. ${MNIST_PATH_VAR}: not set.\n"
            "  2. Keras cache: no usable mnist.npz.\n"
            "  3. Keras download: failed (see above; is this machine offline?).\n" + _HOW_TO_FIX
        ) from error
    print("MNIST downloaded and cached.", flush=True)
    return (np.asarray(x_train), np.asarray(y_train)), (np.asarray(x_test), np.asarray(y_test))


def main(argv: list[str] | None = None) -> int:
    """Command line: report where MNIST comes from; with ``--ensure``, make sure it loads."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.data", description=main.__doc__)
    parser.add_argument("--ensure", action="store_true", help="load MNIST (downloading it if allowed)")
    args = parser.parse_args(argv)
    source = locate_mnist()
    if not args.ensure:
        print(f"MNIST: {source.describe()}")
        return 0 if source.ok else 1
    try:
        (train_images, _), (test_images, _) = load_mnist()
    except MnistUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"MNIST ready: {len(train_images)} training and {len(test_images)} test images "
          f"({locate_mnist().describe()}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

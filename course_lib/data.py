"""Load MNIST on any machine: from a local file, from the Keras cache, or by downloading it.

Where MNIST comes from, in this order:

1. a local ``.npz`` named by the ``COURSE_MNIST_PATH`` environment variable (or the
   ``path`` argument). If one is named, it is the only source tried: a wrong path is
   reported, not silently replaced by a download;
2. the file Keras keeps in its cache (``~/.keras/datasets/mnist.npz``, or under
   ``$KERAS_HOME``);
3. a download of the archive Keras uses (11 MB, once) into that same cache, so Keras and
   the course share one copy, unless ``COURSE_OFFLINE=1`` forbids the network, as the
   test suite does. ``COURSE_MNIST_URL`` replaces the address.

The download needs only the standard library (no Keras): chapters 2-4 run with NumPy,
Matplotlib and ipywidgets alone. It shows its progress, gives up on a server that stops
answering, refuses a file of the wrong size, and is written to a temporary file that
replaces the cached one only once it is complete and its SHA-256 verified, so a damaged
file is never left behind.

Every local file is checked against the SHA-256 of a known MNIST archive before it is
read. Whatever goes wrong ends in one :class:`MnistUnavailableError` whose message says
what was tried and how to fix it.

Run ``python -m course_lib.data`` to see where MNIST would come from, and
``python -m course_lib.data --ensure`` to make sure it is on disk.

Introduced in notebooks 01, 02 and 06.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import hashlib
import http.client
import os
import ssl
import sys
import tempfile
import textwrap
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib.backend import keras_home
from course_lib.validation import as_finite_number, as_whole_number

MNIST_PATH_VAR = "COURSE_MNIST_PATH"
OFFLINE_VAR = "COURSE_OFFLINE"
URL_VAR = "COURSE_MNIST_URL"

#: Where MNIST is downloaded from: the archive ``keras.datasets.mnist.load_data()`` uses.
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"

#: Seconds a download waits for the server (to connect, or for the next bytes) before giving up.
DOWNLOAD_TIMEOUT = 30.0

#: The most bytes a download may bring (MNIST is 11.5 MB): a bigger file is not MNIST, and
#: a server sending one must not fill the disk.
MAX_DOWNLOAD_BYTES = 20_000_000

#: A progress line is printed each time this many more percent of the file have arrived.
PROGRESS_STEP = 10

_CHUNK_BYTES = 1 << 16
_SIZE_WORDS = "11 MB"

#: SHA-256 of the MNIST archives this loader accepts, and where each comes from.
KNOWN_SHA256 = {
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1": "the file Keras downloads",
    "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64": "the same arrays, re-saved compressed",
}

#: The arrays an MNIST archive holds: name -> (shape, dtype).
MNIST_ARRAYS = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}

#: How to fix a missing MNIST when downloads are switched off, in one line (the environment
#: report shows it).
FIX_SUMMARY = (f"with internet, unset {OFFLINE_VAR} and run again (MNIST is downloaded once, {_SIZE_WORDS}); "
               f"offline, set {MNIST_PATH_VAR}=/full/path/to/mnist.npz.")

_COPY_ELSEWHERE = (f"copy mnist.npz from a machine that has it (in its ~/.keras/datasets/ folder) and set "
                   f"{MNIST_PATH_VAR}=/full/path/to/mnist.npz")


def _how_to_fix(*options: str) -> str:
    """Format the options a learner has as the message's "How to fix it" list."""
    lines = ["How to fix it:"]
    for option in options:
        lines += textwrap.wrap(option, 88, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False)
    return "\n".join(lines)


#: The options when a file that passed (or skipped) the hash check still cannot be read.
_HOW_TO_FIX = _how_to_fix(
    f"Use a complete copy of MNIST: {_COPY_ELSEWHERE}.",
    f"Or, with internet, unset {MNIST_PATH_VAR} and {OFFLINE_VAR}: MNIST is then downloaded once "
    f"({_SIZE_WORDS}) into ~/.keras/datasets/.",
)


class MnistUnavailableError(RuntimeError):
    """MNIST could not be loaded; the message says what was tried and how to fix it."""


class MnistDownloadError(MnistUnavailableError):
    """A download of MNIST failed; ``reason`` says what failed, in one or two sentences.

    Nothing of the failed download is left on disk.
    """

    def __init__(self, reason: str):
        super().__init__(f"MNIST could not be downloaded: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class MnistSource:
    """Where MNIST would be loaded from.

    Attributes:
        kind: ``"local"`` (named file), ``"cache"`` (Keras cache), ``"download"``
            (not usable on disk; it will be downloaded) or ``"none"`` (no way to get it).
        path: the file, for ``"local"`` and ``"cache"``; where the download goes, for
            ``"download"``.
        problem: why it cannot be used, in one sentence, or ``None`` when it can.
        tried: what was tried, one line each (for the message).
        cache_problems: why each file found in Keras's cache cannot be used (a download
            then replaces a damaged copy rather than fetching a missing one).
    """

    kind: str
    path: Path | None = None
    problem: str | None = None
    tried: tuple = ()
    cache_problems: tuple = ()

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def fix(self) -> str:
        """How to make MNIST available, one line (empty when nothing needs fixing)."""
        if self.ok:
            return ""
        if self.kind == "local":
            return (f"point ${MNIST_PATH_VAR} at a complete mnist.npz with a full path, or unset it to use "
                    "the Keras cache or the download.")
        if self.kind == "download":
            return (f"run again once the download can work (see the message), or set "
                    f"{MNIST_PATH_VAR}=/full/path/to/mnist.npz.")
        return FIX_SUMMARY

    def failed_download(self, error: MnistDownloadError, url: str) -> MnistSource:
        """This source after its download failed with ``error`` (from :func:`download_mnist`)."""
        return dataclasses.replace(self, problem=str(error),
                                   tried=self.tried + (f"3. Download from {url}: failed (see above).",))

    def explain(self) -> str:
        """The whole message for a learner: the problem, what was tried, and how to fix it."""
        if self.ok:
            return self.describe()
        tried = f" {self.tried[0]}" if len(self.tried) == 1 else "".join(f"\n  {line}" for line in self.tried)
        return f"{self.problem}\nTried:{tried}\n{self._how_to_fix()}"

    def _how_to_fix(self) -> str:
        if self.kind == "local":
            return _how_to_fix(
                f"Point {MNIST_PATH_VAR} at a complete copy of mnist.npz, with a full path: "
                f"{MNIST_PATH_VAR}=/full/path/to/mnist.npz.",
                f"Or unset {MNIST_PATH_VAR}: MNIST then comes from Keras's cache, or is downloaded once "
                f"({_SIZE_WORDS}).",
            )
        if self.kind == "download":
            return _how_to_fix(
                "Solve the problem above and run again: the download starts over, and nothing "
                "half-downloaded was kept.",
                f"Or download {mnist_url()} yourself (in a browser, on any machine) and set "
                f"{MNIST_PATH_VAR}=/full/path/to/mnist.npz.",
            )
        return _how_to_fix(
            f"With internet: unset {OFFLINE_VAR} and run again; MNIST is downloaded once ({_SIZE_WORDS}) "
            "into ~/.keras/datasets/.",
            f"Offline: {_COPY_ELSEWHERE}.",
        )

    def describe(self) -> str:
        """Return one short line for reports (no full paths, so it reads the same anywhere)."""
        if self.problem:
            return "NOT available: " + self.problem
        if self.kind == "local":
            return f"local file {self.path.name} from ${MNIST_PATH_VAR} (SHA-256 verified)"
        if self.kind == "cache":
            return "Keras cache ~/.keras/datasets/mnist.npz (SHA-256 verified)"
        if self.cache_problems:
            return f"the copy in the Keras cache is damaged; it will be downloaded again ({_SIZE_WORDS}) on first use"
        return f"not on disk yet; it will be downloaded ({_SIZE_WORDS}) on first use"


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


def mnist_url() -> str:
    """Return the address MNIST is downloaded from: ``$COURSE_MNIST_URL``, else :data:`MNIST_URL`."""
    return os.environ.get(URL_VAR, "").strip() or MNIST_URL


def keras_cache_candidates() -> list[Path]:
    """Return where Keras may have cached ``mnist.npz`` (its home, or its /tmp fallback).

    The first is where a download goes.
    """
    return [keras_home() / "datasets" / "mnist.npz",
            Path("/tmp/.keras/datasets/mnist.npz")]  # noqa: S108 - Keras's own fallback path, read only


def _unreadable(path, error: OSError) -> str:
    """Say why the file at ``path`` could not be opened."""
    if isinstance(error, PermissionError):
        return f"{path} cannot be read: this account has no permission to read it ({error.strerror})."
    return f"{path} cannot be read ({type(error).__name__}: {error})."


def _hash_problem(what: str, digest: str) -> str:
    known = ", ".join(f"{h[:12]}... ({where})" for h, where in KNOWN_SHA256.items())
    return f"{what} has SHA-256 {digest[:12]}..., which matches no known MNIST archive (expected {known})."


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
        try:
            digest = sha256_of(path)
        except OSError as error:
            return _unreadable(path, error)
        if digest not in KNOWN_SHA256:
            return _hash_problem(str(path), digest) + " The file is damaged or is not MNIST."
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

    candidates = keras_cache_candidates()
    cache_problems = []
    for candidate in candidates:
        if not candidate.exists():
            continue
        problem = _file_problem(candidate, verify_hash)
        if problem is None:
            return MnistSource("cache", candidate)
        cache_problems.append(problem)
    folders = " or ".join(str(candidate.parent) for candidate in candidates)
    tried = (f"1. ${MNIST_PATH_VAR}: not set.",
             "2. Keras cache: " + (" ".join(cache_problems) or f"no mnist.npz in {folders}."))
    if offline():
        tried += (f"3. Download: switched off by {OFFLINE_VAR}={os.environ[OFFLINE_VAR]}.",)
        problem = ("The MNIST file in the Keras cache is damaged and downloads are switched off." if cache_problems
                   else "MNIST is not on this machine and downloads are switched off.")
        return MnistSource("none", None, problem, tried, tuple(cache_problems))
    return MnistSource("download", candidates[0], None, tried, tuple(cache_problems))


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
    except PermissionError as error:
        raise MnistUnavailableError(_unreadable(path, error) + "\n" + _HOW_TO_FIX) from error
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


# --- The download -------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _write_problem(error: OSError, folder: Path) -> str:
    """Say why the downloaded file could not be saved in ``folder``, and what to do."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (f"the disk holding {folder} is full ({error.strerror or error}). Free some space there "
                f"(MNIST needs {_SIZE_WORDS}), or set KERAS_HOME to a folder on another disk.")
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"this account may not write to {folder} ({error.strerror or error}). Set KERAS_HOME to a "
                "folder you can write to, or make that folder writable.")
    return (f"the download could not be saved in {folder} ({type(error).__name__}: {error}). Set KERAS_HOME "
            "to a folder you can write to.")


def _timed_out(host: str, timeout: float) -> str:
    return (f"{host} sent nothing for {timeout:g} s, so the download was stopped (timed out). The "
            "connection is too slow or the server is not answering: try again later.")


def _connection_problem(error: Exception, host: str, timeout: float) -> str:
    """Say why the request to ``host`` got no answer (``error`` from ``urlopen``)."""
    if isinstance(error, urllib.error.HTTPError):
        advice = ("the server has a problem: try again later" if error.code >= 500
                  else f"the file is not available at that address{_overridden()}")
        return f"the server answered HTTP {error.code} ({error.reason}) for {error.url}: {advice}."
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return _timed_out(host, timeout)
    if isinstance(reason, ssl.SSLError):
        return (f"the secure (HTTPS) connection to {host} failed ({reason}). A proxy or out-of-date "
                "certificates on this machine may be the cause.")
    if isinstance(reason, http.client.HTTPException):
        return f"{host} closed the connection without a proper answer ({type(reason).__name__}: {reason})."
    return (f"could not connect to {host} ({reason}). Is this machine offline? Check its internet "
            "connection (or proxy settings).")


def _overridden() -> str:
    return f" (set by ${URL_VAR}; check it)" if os.environ.get(URL_VAR, "").strip() else ""


def _content_length(response) -> int | None:
    """The size the server announces, or ``None`` when it does not say (or says nonsense)."""
    value = response.headers.get("Content-Length", "")
    return int(value) if value.strip().isdigit() else None


def _print_progress(received: int, expected: int | None, next_mark: int) -> int:
    """Print a progress line if another :data:`PROGRESS_STEP` percent arrived; return the next mark."""
    if not expected:
        return next_mark
    percent = min(100, received * 100 // expected)
    if percent < next_mark:
        return next_mark
    filled = percent // 10
    print(f"  [{'#' * filled}{' ' * (10 - filled)}] {percent:3d}%  {_megabytes(received)} of "
          f"{_megabytes(expected)}", flush=True)
    return (percent // PROGRESS_STEP + 1) * PROGRESS_STEP


def _receive(url: str, file, timeout: float, max_bytes: int) -> tuple[str, int]:
    """Copy the body at ``url`` into ``file``; return its SHA-256 and size.

    Network trouble raises :class:`MnistDownloadError`; only writing to ``file`` raises ``OSError``.
    """
    host = urllib.parse.urlsplit(url).netloc or url
    # noqa: S310 below: download_mnist accepts only http:// and https:// addresses.
    request = urllib.request.Request(url, headers={"User-Agent": "course_lib (MNIST download)"})  # noqa: S310
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError as error:
        error.close()
        raise MnistDownloadError(_connection_problem(error, host, timeout)) from error
    except (OSError, http.client.HTTPException) as error:  # URLError, a timeout, a refused connection
        raise MnistDownloadError(_connection_problem(error, host, timeout)) from error
    with response:
        expected = _content_length(response)
        if expected is not None and expected > max_bytes:
            raise MnistDownloadError(
                f"{host} announces a file of {_megabytes(expected)}, more than the {_megabytes(max_bytes)} "
                f"a download may bring; MNIST is {_SIZE_WORDS}, so this is not it{_overridden()}.")
        digest, received, next_mark = hashlib.sha256(), 0, PROGRESS_STEP
        while True:
            try:
                block = response.read(_CHUNK_BYTES)
            except TimeoutError as error:
                raise MnistDownloadError(_timed_out(host, timeout)) from error
            except http.client.IncompleteRead as error:
                received += len(error.partial)
                break  # the size check below says how much is missing
            except (OSError, http.client.HTTPException) as error:
                raise MnistDownloadError(
                    f"the connection to {host} broke after {_megabytes(received)} ({type(error).__name__}: "
                    f"{error}). Try again.") from error
            if not block:
                break
            received += len(block)
            if received > max_bytes:
                raise MnistDownloadError(
                    f"{host} sent more than {_megabytes(max_bytes)}, the most a download may bring; "
                    f"MNIST is {_SIZE_WORDS}, so this is not it{_overridden()}. The download was stopped.")
            digest.update(block)
            file.write(block)
            next_mark = _print_progress(received, expected, next_mark)
    if expected is not None and received != expected:
        raise MnistDownloadError(
            f"the download stopped after {received} of the {expected} bytes {host} announced (the "
            "connection was cut). Try again.")
    return digest.hexdigest(), received


def download_mnist(target: str | os.PathLike | None = None, *, url: str | None = None,
                   timeout: float | None = None, max_bytes: int | None = None) -> Path:
    """Download MNIST into ``target`` with the standard library, and return ``target``.

    The file is written next to ``target`` under a temporary name, and renamed into place
    only when it is complete and its SHA-256 is one of :data:`KNOWN_SHA256`; on any failure
    the temporary file is removed, so a damaged file is never left behind. Progress is
    printed every :data:`PROGRESS_STEP` percent (when the server says the size).

    Args:
        target: where to save it; defaults to Keras's cache (``keras_cache_candidates()[0]``).
        url: where to download from; defaults to :func:`mnist_url`.
        timeout: seconds to wait for the server each time; defaults to :data:`DOWNLOAD_TIMEOUT`.
        max_bytes: the most bytes to accept; defaults to :data:`MAX_DOWNLOAD_BYTES`.

    Raises:
        MnistDownloadError: saying what failed (network, server, size, hash, disk).
        ValueError: ``timeout`` or ``max_bytes`` is not a positive number.
    """
    timeout = as_finite_number(DOWNLOAD_TIMEOUT if timeout is None else timeout, "timeout", positive=True)
    max_bytes = as_whole_number(MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes, "max_bytes", minimum=1)
    url = mnist_url() if url is None else url
    if offline():
        raise MnistDownloadError(f"downloads are switched off by {OFFLINE_VAR}={os.environ[OFFLINE_VAR]}.")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise MnistDownloadError(f"{url!r} is not an http:// or https:// address{_overridden()}.")
    target = Path(keras_cache_candidates()[0] if target is None else target).expanduser()
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".mnist-", suffix=".part", dir=folder)
    except OSError as error:
        raise MnistDownloadError(_write_problem(error, folder)) from error
    temp, saved = Path(temp_name), False
    try:
        try:
            with open(handle, "wb") as file:
                digest, size = _receive(url, file, timeout, max_bytes)
                file.flush()
                os.fsync(file.fileno())
            if digest in KNOWN_SHA256:
                os.chmod(temp, 0o644)  # like any downloaded file (mkstemp makes it private)
                os.replace(temp, target)
                saved = True
        except OSError as error:  # _receive turns network errors into MnistDownloadError: this is the disk
            raise MnistDownloadError(_write_problem(error, folder)) from error
    finally:
        if not saved:
            with contextlib.suppress(OSError):
                temp.unlink()
    if not saved:
        raise MnistDownloadError(
            _hash_problem(f"the file received ({_megabytes(size)})", digest)
            + f" It was damaged on the way, or the server sent something else{_overridden()}; nothing was kept. "
            "Try again.")
    print(f"MNIST downloaded ({_megabytes(size)}, SHA-256 verified) and saved as {target}.", flush=True)
    return target


def load_mnist(path: str | os.PathLike | None = None, *, verify_hash: bool = True):
    """Load MNIST as ``(train_images, train_labels), (test_images, test_labels)``.

    Same arrays as ``keras.datasets.mnist.load_data()``: images uint8 ``(60000, 28, 28)``
    and ``(10000, 28, 28)``, labels uint8 ``(60000,)`` and ``(10000,)``. When no file is on
    disk, downloads it once into Keras's cache (see :func:`download_mnist`).

    Args:
        path: a local ``.npz`` to use instead of ``$COURSE_MNIST_PATH``.
        verify_hash: check a local file's SHA-256 against :data:`KNOWN_SHA256` (a download
            is always checked).

    Raises:
        MnistUnavailableError: with what was tried and how to fix it.
    """
    source = locate_mnist(path, verify_hash=verify_hash)
    if not source.ok:
        raise MnistUnavailableError(source.explain())
    if source.kind != "download":
        return read_mnist_npz(source.path)

    url = mnist_url()
    if source.cache_problems:
        print(f"The MNIST file in the Keras cache cannot be used: {' '.join(source.cache_problems)}\n"
              f"Downloading a fresh copy ({_SIZE_WORDS}) from {url} ...", flush=True)
    else:
        print(f"MNIST is not on this machine yet: downloading it once ({_SIZE_WORDS}) from {url} ...", flush=True)
    try:
        download_mnist(source.path, url=url)
    except MnistDownloadError as error:
        raise MnistUnavailableError(source.failed_download(error, url).explain()) from error
    return read_mnist_npz(source.path)


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

"""MNIST loading: three sources, hash checks, and a clear message for every failure.

The download runs for real against a local HTTP server (``tests/mnist_server.py``, on
127.0.0.1) that answers well or badly; it never touches the internet.
"""

import builtins
import errno
import inspect
import re
import shutil
import time
import urllib.error
import urllib.request
import zipfile

import numpy as np
import pytest

from course_lib import data
from course_lib.data import MnistDownloadError, MnistUnavailableError, load_mnist, locate_mnist
from tests.mnist_server import MnistServer, Reply, closed_port_url

OFFLINE_COPY_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"


@pytest.fixture
def no_download(monkeypatch):
    """Fail the test if anything tries to download MNIST."""
    monkeypatch.setattr(data, "download_mnist", lambda *args, **kwargs: pytest.fail("must not download"))


@pytest.fixture(scope="module")
def mnist_bytes(mnist_path):
    return mnist_path.read_bytes()


@pytest.fixture
def server(isolated_mnist_env, monkeypatch):
    """A local MNIST server at $COURSE_MNIST_URL, downloads allowed, and an empty Keras cache."""
    monkeypatch.delenv("COURSE_OFFLINE")
    with MnistServer() as running:
        monkeypatch.setenv("COURSE_MNIST_URL", running.url())
        yield running


def cache_file(isolated_mnist_env):
    return isolated_mnist_env / "keras_home" / "datasets" / "mnist.npz"


def assert_nothing_left(isolated_mnist_env):
    """Neither a damaged mnist.npz nor a temporary file remains in the cache folder."""
    folder = cache_file(isolated_mnist_env).parent
    assert not folder.exists() or sorted(p.name for p in folder.iterdir()) == []


def failed_download() -> str:
    """Run load_mnist, which must fail with an explained MnistUnavailableError; return its message."""
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    assert isinstance(info.value.__cause__, MnistDownloadError)
    message = str(info.value)
    assert message.startswith("MNIST could not be downloaded: ")
    assert "1. $COURSE_MNIST_PATH: not set." in message and "2. Keras cache: no mnist.npz in" in message
    assert f"3. Download from {data.mnist_url()}: failed (see above)." in message
    assert "How to fix it" in message and "COURSE_MNIST_PATH=/full/path/to/mnist.npz" in message
    return message


def test_loads_the_local_file_named_by_the_variable(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    assert train_images.shape == (60000, 28, 28) and train_images.dtype == np.uint8
    assert test_images.shape == (10000, 28, 28)
    assert train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert train_labels[-3:].tolist() == [5, 6, 8]
    assert test_labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(train_labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert train_labels[4] == 9


def test_a_path_argument_wins_over_the_variable(monkeypatch, mnist_path, tmp_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(tmp_path / "elsewhere.npz"))
    (train_images, _), _ = load_mnist(mnist_path)
    assert len(train_images) == 60000


def test_missing_file_says_what_was_tried_and_how_to_fix(monkeypatch, tmp_path, no_download):
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("COURSE_MNIST_PATH", str(missing))
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    message = str(info.value)
    assert f"{missing} does not exist" in message
    assert "Tried: $COURSE_MNIST_PATH" in message
    assert "How to fix it" in message and "COURSE_MNIST_PATH=/full/path/to/mnist.npz" in message


def test_relative_path_message_names_the_folder_it_was_read_from(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_MNIST_PATH", "../data/mnist.npz")
    with pytest.raises(MnistUnavailableError,
                       match=f"relative path is read from the current folder, {tmp_path}; use a full path"):
        load_mnist()


def test_corrupt_file_is_caught_by_its_hash(monkeypatch, mnist_path, tmp_path):
    broken = tmp_path / "mnist.npz"
    broken.write_bytes(mnist_path.read_bytes()[: 1_000_000])  # a download cut short
    monkeypatch.setenv("COURSE_MNIST_PATH", str(broken))
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    message = str(info.value)
    assert "matches no known MNIST archive" in message and "damaged or is not MNIST" in message
    assert "06af5dfe73b7..." in message and "731c5ac60275..." in message


def test_wrong_hash_of_a_readable_archive(monkeypatch, tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, x_train=np.zeros((2, 2)))
    monkeypatch.setenv("COURSE_MNIST_PATH", str(other))
    with pytest.raises(MnistUnavailableError, match=r"has SHA-256 [0-9a-f]{12}\.\.\., which matches no known"):
        load_mnist()


def test_corrupt_archive_without_hash_check_is_reported_not_a_bad_zip(tmp_path):
    broken = tmp_path / "mnist.npz"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(broken, verify_hash=False)
    assert "is not a readable .npz archive" in str(info.value)
    assert isinstance(info.value.__cause__, (zipfile.BadZipFile, ValueError, OSError, EOFError))


def test_archive_with_wrong_arrays_is_reported(tmp_path):
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, x_train=np.zeros((5, 28, 28), np.uint8), y_train=np.zeros(5, np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.zeros(1, np.uint8))
    with pytest.raises(MnistUnavailableError, match=r"array 'x_train' has shape \(5, 28, 28\).*\(60000, 28, 28\)"):
        load_mnist(wrong, verify_hash=False)
    lacking = tmp_path / "lacking.npz"
    np.savez(lacking, images=np.zeros(3))
    with pytest.raises(MnistUnavailableError, match=r"lacks the arrays \['x_test', 'x_train', 'y_test', 'y_train'\]"):
        load_mnist(lacking, verify_hash=False)


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(MnistUnavailableError, match="is not a file"):
        load_mnist(tmp_path)


def test_keras_cache_is_used_when_no_file_is_named(isolated_mnist_env, mnist_path, monkeypatch, no_download):
    cached = isolated_mnist_env / "keras_home" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    shutil.copy(mnist_path, cached)
    monkeypatch.delenv("COURSE_OFFLINE")  # even with downloads allowed, the cache comes first
    source = locate_mnist()
    assert source.kind == "cache" and source.ok
    (train_images, _), _ = load_mnist()
    assert train_images.shape == (60000, 28, 28)


def test_corrupt_cache_offline_lists_every_attempt(isolated_mnist_env, no_download):
    cached = isolated_mnist_env / "keras_home" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    message = str(info.value)
    assert message.startswith("The MNIST file in the Keras cache is damaged and downloads are switched off.")
    assert "1. $COURSE_MNIST_PATH: not set." in message
    assert "2. Keras cache:" in message and "matches no known MNIST archive" in message
    assert "3. Download: switched off by COURSE_OFFLINE=1." in message


def test_offline_without_any_copy_never_downloads(isolated_mnist_env, no_download):
    with pytest.raises(MnistUnavailableError, match="downloads are switched off"):
        load_mnist()


@pytest.mark.server
def test_download_is_announced_and_used_when_allowed(server, mnist_bytes, isolated_mnist_env, capsys):
    server.replies["/mnist.npz"] = Reply(mnist_bytes)
    assert locate_mnist().kind == "download"
    (train_images, train_labels), (test_images, _) = load_mnist()
    assert train_images.shape == (60000, 28, 28) and test_images.shape == (10000, 28, 28)
    assert train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    out = capsys.readouterr().out
    assert f"MNIST is not on this machine yet: downloading it once (11 MB) from {server.url()} ..." in out
    progress = [line for line in out.splitlines() if line.lstrip().startswith("[")]
    percents = [int(line.split("]")[1].split("%")[0]) for line in progress]
    assert 5 <= len(progress) <= 10 and percents == sorted(set(percents)) and percents[-1] == 100
    assert "11.5 MB of 11.5 MB" in progress[-1]
    assert f"MNIST downloaded (11.5 MB, SHA-256 verified) and saved as {cache_file(isolated_mnist_env)}." in out
    assert len(out.splitlines()) <= 12
    # In Keras's cache, verified, and nothing else beside it; from now on it is read from there.
    assert data.sha256_of(cache_file(isolated_mnist_env)) == OFFLINE_COPY_SHA256
    assert sorted(p.name for p in cache_file(isolated_mnist_env).parent.iterdir()) == ["mnist.npz"]
    assert locate_mnist().kind == "cache"
    load_mnist()
    assert server.requests == ["/mnist.npz"]


@pytest.mark.server
def test_download_of_unknown_size_prints_only_a_final_line(server, mnist_bytes, isolated_mnist_env, capsys):
    server.replies["/mnist.npz"] = Reply(mnist_bytes, length=None)
    (train_images, _), _ = load_mnist()
    assert train_images.shape == (60000, 28, 28)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("MNIST is not on this machine yet")
    assert lines[1].startswith("MNIST downloaded (11.5 MB, SHA-256 verified)")


@pytest.mark.server
def test_command_line_ensure_downloads(server, mnist_bytes, capsys):
    server.replies["/mnist.npz"] = Reply(mnist_bytes)
    assert data.main([]) == 0
    assert "MNIST: not on disk yet; it will be downloaded (11 MB) on first use" in capsys.readouterr().out
    assert data.main(["--ensure"]) == 0
    out = capsys.readouterr().out
    assert "downloading it once" in out and "MNIST ready: 60000 training and 10000 test images (Keras cache" in out


@pytest.mark.server
def test_a_damaged_cache_file_is_replaced_and_the_announcement_says_so(server, mnist_bytes, isolated_mnist_env,
                                                                       capsys):
    cached = cache_file(isolated_mnist_env)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(mnist_bytes[:1_000_000])  # an earlier download cut short
    assert locate_mnist().describe() == ("the copy in the Keras cache is damaged; it will be downloaded again "
                                         "(11 MB) on first use")
    server.replies["/mnist.npz"] = Reply(mnist_bytes)
    load_mnist()
    out = capsys.readouterr().out
    assert "The MNIST file in the Keras cache cannot be used:" in out and "matches no known MNIST archive" in out
    assert "Downloading a fresh copy (11 MB)" in out and "not on this machine yet" not in out
    assert data.sha256_of(cached) == OFFLINE_COPY_SHA256


@pytest.mark.server
def test_a_failed_download_after_a_damaged_cache_file_says_so(server, isolated_mnist_env):
    cached = cache_file(isolated_mnist_env)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    server.replies["/mnist.npz"] = Reply(b"gone", status=500)
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    message = str(info.value)
    assert "2. Keras cache: " in message and "matches no known MNIST archive" in message
    assert "not on this machine" not in message and "HTTP 500" in message
    assert cached.read_bytes() == b"garbage"  # a failed download replaces nothing


@pytest.mark.server
def test_a_wrong_hash_keeps_nothing(server, isolated_mnist_env):
    server.replies["/mnist.npz"] = Reply(b"<html>a captive portal's login page</html>" * 100)
    message = failed_download()
    assert "the file received (0.0 MB) has SHA-256" in message and "matches no known MNIST archive" in message
    assert "damaged on the way, or the server sent something else" in message and "nothing was kept" in message
    assert "offline" not in message
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
def test_a_body_cut_short_is_caught_by_its_size(server, mnist_bytes, isolated_mnist_env):
    server.replies["/mnist.npz"] = Reply(mnist_bytes[:3_000_000], length=len(mnist_bytes))
    message = failed_download()
    assert f"the download stopped after 3000000 of the {len(mnist_bytes)} bytes 127.0.0.1:" in message
    assert "the connection was cut" in message and "offline" not in message
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
@pytest.mark.parametrize("status, words", [(404, "HTTP 404 (Not Found)"), (500, "HTTP 500 (Internal Server Error)")])
def test_a_server_error_names_the_http_status(server, isolated_mnist_env, status, words):
    server.replies["/mnist.npz"] = Reply(b"no", status=status)
    message = failed_download()
    assert f"the server answered {words} for {server.url()}" in message
    assert ("try again later" in message) == (status == 500)
    assert ("not available at that address (set by $COURSE_MNIST_URL; check it)" in message) == (status == 404)
    assert "offline" not in message
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
def test_failed_download_becomes_an_explained_error_not_a_urlerror(isolated_mnist_env, monkeypatch):
    """A refused connection (no network) is the one failure that asks whether the machine is offline."""
    monkeypatch.delenv("COURSE_OFFLINE")
    url = closed_port_url()
    monkeypatch.setenv("COURSE_MNIST_URL", url)
    message = failed_download()
    assert f"could not connect to {url.split('/')[2]} (" in message and "Is this machine offline?" in message
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    assert isinstance(info.value.__cause__.__cause__, urllib.error.URLError)
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
@pytest.mark.parametrize("reply", [Reply(b"late", delay=30), Reply(b"x" * 100_000, stall_after=50_000)],
                         ids=["no answer", "stalls mid-way"])
def test_a_server_that_stops_answering_times_out(server, isolated_mnist_env, monkeypatch, reply):
    monkeypatch.setattr(data, "DOWNLOAD_TIMEOUT", 0.5)
    server.replies["/mnist.npz"] = reply
    start = time.monotonic()
    message = failed_download()
    assert time.monotonic() - start < 10
    assert "sent nothing for 0.5 s, so the download was stopped (timed out)" in message
    assert "offline" not in message
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
def test_an_announced_over_size_file_is_refused_before_reading(server, isolated_mnist_env):
    server.replies["/mnist.npz"] = Reply(b"x" * 1000, length=10**12, stall_after=1000)
    message = failed_download()
    assert "announces a file of 1000000.0 MB, more than the 20.0 MB a download may bring" in message
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
def test_an_over_size_body_of_unknown_size_is_cut_off(server, mnist_bytes, isolated_mnist_env, monkeypatch):
    monkeypatch.setattr(data, "MAX_DOWNLOAD_BYTES", 2_000_000)
    server.replies["/mnist.npz"] = Reply(mnist_bytes, length=None)
    message = failed_download()
    assert "sent more than 2.0 MB, the most a download may bring" in message and "The download was stopped" in message
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
def test_a_folder_that_cannot_be_written_gives_the_clear_error(server, mnist_bytes, isolated_mnist_env, monkeypatch):
    """Tests run as root, for whom chmod stops nothing: the refusal is simulated."""
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(data.tempfile, "mkstemp", refuse)
    server.replies["/mnist.npz"] = Reply(mnist_bytes)
    message = failed_download()
    folder = cache_file(isolated_mnist_env).parent
    assert f"this account may not write to {folder} (Permission denied)" in message
    assert "Set KERAS_HOME to a folder you can write to" in message
    assert server.requests == []  # found out before downloading anything
    assert_nothing_left(isolated_mnist_env)


@pytest.mark.server
def test_a_cache_folder_that_is_a_file_gives_the_clear_error(server, isolated_mnist_env):
    (isolated_mnist_env / "keras_home").write_text("not a folder")
    message = failed_download()
    assert "the download could not be saved in" in message and "KERAS_HOME" in message


@pytest.mark.server
def test_a_full_disk_gives_the_clear_error_and_keeps_nothing(server, mnist_bytes, isolated_mnist_env, monkeypatch):
    real_open = builtins.open

    class FullDisk:
        def __init__(self, file):
            self.file = file

        def write(self, block):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.file, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

    def open_on_a_full_disk(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        return FullDisk(opened) if "w" in mode else opened

    monkeypatch.setattr(builtins, "open", open_on_a_full_disk)
    server.replies["/mnist.npz"] = Reply(mnist_bytes)
    message = failed_download()
    assert f"the disk holding {cache_file(isolated_mnist_env).parent} is full (No space left on device)" in message
    assert "Free some space there" in message
    assert_nothing_left(isolated_mnist_env)


def test_the_default_download_needs_no_keras(isolated_mnist_env, monkeypatch):
    """With no address set, the course downloads Keras's own archive itself (urllib), without Keras."""
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.delenv("COURSE_MNIST_URL", raising=False)
    assert data.MNIST_URL == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    asked = []

    def no_internet(request, timeout):
        asked.append((request.full_url, timeout))
        raise urllib.error.URLError(OSError(errno.ENETUNREACH, "Network is unreachable"))

    monkeypatch.setattr(urllib.request, "urlopen", no_internet)
    message = failed_download()
    assert asked == [(data.MNIST_URL, data.DOWNLOAD_TIMEOUT)]
    assert "could not connect to storage.googleapis.com" in message and "Is this machine offline?" in message
    assert not hasattr(data, "import_keras") and not hasattr(data, "_download_with_keras")
    assert not re.search(r"import keras\b|import_keras|import tensorflow", inspect.getsource(data))


def test_download_mnist_checks_its_arguments(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    target = tmp_path / "mnist.npz"
    with pytest.raises(ValueError, match="timeout must be a positive, finite number; got 0"):
        data.download_mnist(target, url="http://127.0.0.1:9/mnist.npz", timeout=0)
    with pytest.raises(ValueError, match="max_bytes must be a whole number of at least 1; got 2.5"):
        data.download_mnist(target, url="http://127.0.0.1:9/mnist.npz", max_bytes=2.5)
    with pytest.raises(MnistDownloadError, match=r"'file:///etc/passwd' is not an http:// or https:// address"):
        data.download_mnist(target, url="file:///etc/passwd")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(MnistDownloadError, match="downloads are switched off by COURSE_OFFLINE=1"):
        data.download_mnist(target, url="http://127.0.0.1:9/mnist.npz")
    assert list(tmp_path.iterdir()) == []


def test_the_keras_cache_is_one_step_however_many_places_are_looked_at(isolated_mnist_env, monkeypatch, no_download):
    first, second = isolated_mnist_env / "home" / "mnist.npz", isolated_mnist_env / "tmp" / "mnist.npz"
    monkeypatch.setattr(data, "keras_cache_candidates", lambda: [first, second])
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist()
    lines = str(info.value).splitlines()
    steps = [line.strip()[:2] for line in lines if line.startswith("  ") and line.strip()[:1].isdigit()]
    assert steps == ["1.", "2.", "3."]
    assert f"  2. Keras cache: no mnist.npz in {first.parent} or {second.parent}." in lines
    second.parent.mkdir()
    second.write_bytes(b"garbage")
    source = locate_mnist()
    assert [line[:2] for line in source.tried] == ["1.", "2."] + ["3."] * (len(source.tried) - 2)
    assert f"{second} has SHA-256" in source.tried[1]


def test_an_unreadable_file_gives_the_clear_error(monkeypatch, mnist_path, tmp_path):
    """Tests run as root, for whom chmod 000 stops nothing: the refusal is simulated."""
    unreadable = tmp_path / "mnist.npz"
    shutil.copy(mnist_path, unreadable)
    real_open = builtins.open

    def open_refusing(file, *args, **kwargs):
        if str(file) == str(unreadable):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_refusing)
    monkeypatch.setenv("COURSE_MNIST_PATH", str(unreadable))
    for verify_hash in (True, False):
        with pytest.raises(MnistUnavailableError) as info:
            load_mnist(verify_hash=verify_hash)
        message = str(info.value)
        assert f"{unreadable} cannot be read: this account has no permission to read it" in message
        assert "How to fix it" in message and "damaged" not in message
    assert locate_mnist().describe().startswith("NOT available: MNIST could not be loaded from $COURSE_MNIST_PATH")


def test_messages_name_only_the_learners_options(monkeypatch, isolated_mnist_env, tmp_path):
    """No message mentions where the course's own machines keep their copy, or Keras as a requirement."""
    sources = [locate_mnist()]  # offline, nothing on disk
    monkeypatch.setenv("COURSE_MNIST_PATH", str(tmp_path / "missing.npz"))
    sources.append(locate_mnist())
    texts = [s.explain() for s in sources] + [s.fix for s in sources] + [inspect.getsource(data)]
    for text in texts:
        assert "build machine" not in text and "shared/datasets" not in text and "with Keras" not in text
        assert "Keras download:" not in text
    assert sources[0].fix == data.FIX_SUMMARY and "unset COURSE_OFFLINE" in sources[0].fix
    assert sources[1].fix.startswith("point $COURSE_MNIST_PATH at a complete mnist.npz")
    assert "unset COURSE_OFFLINE" not in sources[1].explain()


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("YES", True), ("0", False), ("", False)])
def test_offline_switch(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_OFFLINE", value)
    assert data.offline() is expected


def test_describe_lines_carry_no_machine_paths(monkeypatch, mnist_path, isolated_mnist_env):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    assert locate_mnist().describe() == "local file mnist.npz from $COURSE_MNIST_PATH (SHA-256 verified)"
    monkeypatch.delenv("COURSE_MNIST_PATH")
    monkeypatch.delenv("COURSE_OFFLINE")
    assert locate_mnist().describe() == "not on disk yet; it will be downloaded (11 MB) on first use"
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert locate_mnist().describe() == "NOT available: MNIST is not on this machine and downloads are switched off."


def test_command_line_reports_and_ensures(monkeypatch, mnist_path, tmp_path, capsys):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    assert data.main([]) == 0
    assert "local file mnist.npz" in capsys.readouterr().out
    assert data.main(["--ensure"]) == 0
    assert "MNIST ready: 60000 training and 10000 test images" in capsys.readouterr().out
    monkeypatch.setenv("COURSE_MNIST_PATH", str(tmp_path / "missing.npz"))
    assert data.main(["--ensure"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: MNIST could not be loaded") and "Traceback" not in err

"""MNIST loading: three sources, hash checks, and a clear message for every failure."""

import shutil
import urllib.error
import zipfile

import numpy as np
import pytest

from course_lib import data
from course_lib.data import MnistUnavailableError, load_mnist, locate_mnist


def fake_mnist_arrays():
    """Small stand-ins for a successful download (only shapes matter to the loader's caller)."""
    return ((np.zeros((60000, 28, 28), np.uint8), np.zeros(60000, np.uint8)),
            (np.zeros((10000, 28, 28), np.uint8), np.zeros(10000, np.uint8)))


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


def test_missing_file_says_what_was_tried_and_how_to_fix(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("COURSE_MNIST_PATH", str(missing))
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(download=lambda: pytest.fail("must not download when a file is named"))
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


def test_keras_cache_is_used_when_no_file_is_named(isolated_mnist_env, mnist_path):
    cached = isolated_mnist_env / "keras_home" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    shutil.copy(mnist_path, cached)
    source = locate_mnist()
    assert source.kind == "cache" and source.ok
    (train_images, _), _ = load_mnist(download=lambda: pytest.fail("must not download when cached"))
    assert train_images.shape == (60000, 28, 28)


def test_corrupt_cache_offline_lists_every_attempt(isolated_mnist_env):
    cached = isolated_mnist_env / "keras_home" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(download=lambda: pytest.fail("must not download offline"))
    message = str(info.value)
    assert "1. $COURSE_MNIST_PATH: not set." in message
    assert "2. Keras cache:" in message and "matches no known MNIST archive" in message
    assert "3. Download: switched off by COURSE_OFFLINE=1." in message


def test_offline_without_any_copy_never_downloads(isolated_mnist_env):
    with pytest.raises(MnistUnavailableError, match="downloads are switched off"):
        load_mnist(download=lambda: pytest.fail("must not download offline"))


def test_download_is_announced_and_used_when_allowed(isolated_mnist_env, monkeypatch, capsys):
    monkeypatch.delenv("COURSE_OFFLINE")
    assert locate_mnist().kind == "download"
    (train_images, _), (test_images, _) = load_mnist(download=fake_mnist_arrays)
    assert train_images.shape == (60000, 28, 28) and test_images.shape == (10000, 28, 28)
    out = capsys.readouterr().out
    assert "downloading it once with Keras (11 MB)" in out and "MNIST downloaded and cached." in out


def test_failed_download_becomes_an_explained_error_not_a_urlerror(isolated_mnist_env, monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE")

    def no_internet():
        raise Exception("URL fetch failure") from urllib.error.URLError(
            "[Errno -3] Temporary failure in name resolution")

    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(download=no_internet)
    message = str(info.value)
    assert "Downloading MNIST with Keras failed" in message and "URL fetch failure" in message
    assert "3. Keras download: failed" in message and "How to fix it" in message


def test_the_default_download_goes_through_keras(isolated_mnist_env, monkeypatch):
    """With no downloader given, Keras's own mnist.load_data() is what runs."""
    monkeypatch.delenv("COURSE_OFFLINE")
    calls = []

    class FakeKeras:
        class datasets:
            class mnist:
                @staticmethod
                def load_data():
                    calls.append("keras")
                    return fake_mnist_arrays()

    monkeypatch.setattr(data, "import_keras", lambda: FakeKeras)
    load_mnist()
    assert calls == ["keras"]


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("YES", True), ("0", False), ("", False)])
def test_offline_switch(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_OFFLINE", value)
    assert data.offline() is expected


def test_describe_lines_carry_no_machine_paths(monkeypatch, mnist_path, isolated_mnist_env):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    assert locate_mnist().describe() == "local file mnist.npz from $COURSE_MNIST_PATH (SHA-256 verified)"
    monkeypatch.delenv("COURSE_MNIST_PATH")
    monkeypatch.delenv("COURSE_OFFLINE")
    assert locate_mnist().describe().startswith("not on disk yet; Keras will download it")
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

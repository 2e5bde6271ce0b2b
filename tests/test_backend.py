"""Keras plumbing: quiet logs, backend detection without importing, device description."""

import json
import sys

import pytest

from course_lib import backend


def test_quiet_logs_set_defaults_but_keep_the_users_choice(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    backend.quiet_tensorflow_logs()
    import os

    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1"


def test_quiet_logs_report_when_it_is_too_late(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", object())
    assert backend.quiet_tensorflow_logs() is False


def test_backend_name_from_variable_then_config(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert backend.keras_backend_name() == "jax"
    monkeypatch.delenv("KERAS_BACKEND")
    assert backend.keras_backend_name() == "tensorflow"  # no keras.json yet
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "torch"}))
    assert backend.keras_backend_name() == "torch"
    (tmp_path / "keras.json").write_text("{not json")
    assert backend.keras_backend_name() == "tensorflow"


def test_describe_device():
    assert backend.describe_device([]) == "CPU (no GPU visible)"
    assert backend.describe_device(["Tesla T4"]) == "GPU (Tesla T4)"
    assert backend.describe_device(["A", "B", "C"]) == "GPU (A and 2 more)"


def test_gpu_hint_only_on_cpu_only_colab_or_kaggle(monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert backend.gpu_hint([]) is None
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    assert backend.on_kaggle() and "Settings > Accelerator" in backend.gpu_hint([])
    assert backend.gpu_hint(["Tesla T4"]) is None
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE")
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20260101")
    assert "Runtime > Change runtime type" in backend.gpu_hint([])
    assert backend.gpu_hint(["Tesla T4"]) is None


def test_import_keras_explains_a_missing_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)  # makes `import keras` raise ImportError
    with pytest.raises(ImportError, match="Install the course's packages with `make lab`"):
        backend.import_keras()


def test_unknown_backend_has_no_gpus(monkeypatch):
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    assert backend.visible_gpus() == []


@pytest.mark.keras
def test_tensorflow_sees_no_gpu_on_this_cpu_machine(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setenv("KERAS_HOME", "/nonexistent-keras-home")
    gpus = backend.visible_gpus()
    assert isinstance(gpus, list)
    assert backend.describe_device(gpus).startswith("GPU (" if gpus else "CPU")

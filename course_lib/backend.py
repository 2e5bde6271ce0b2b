"""Lazy, quiet access to Keras and to the device it computes on.

This is the only module of ``course_lib`` that imports Keras or TensorFlow (and through
Keras JAX or PyTorch), and it does so inside functions: chapters that use only
NumPy never pay the backend's import (about 3 s for TensorFlow on a laptop).

Introduced in notebooks 01 and 06.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

#: Environment defaults that keep TensorFlow's C++ start-up log lines out of notebooks.
#: They only work if set before TensorFlow is imported.
QUIET_TF_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}

COLAB_GPU_HINT = (
    "You are on a CPU-only Colab runtime. For a GPU: Runtime > Change runtime type > "
    "Hardware accelerator: GPU (T4), then Runtime > Run all."
)
KAGGLE_GPU_HINT = (
    "You are on a CPU-only Kaggle session. For a GPU: Settings > Accelerator > GPU T4 x2 "
    "(needs a phone-verified account), then Run All."
)


def quiet_tensorflow_logs() -> bool:
    """Set TensorFlow's logging environment defaults, keeping any value already set.

    Returns:
        ``True`` if they can still take effect (TensorFlow is not imported yet),
        ``False`` if TensorFlow was already imported in this process.
    """
    for name, value in QUIET_TF_ENV.items():
        os.environ.setdefault(name, value)
    return "tensorflow" not in sys.modules


def keras_home() -> Path:
    """Return Keras's home folder: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")


def keras_backend_name() -> str:
    """Return the Keras backend in use, without importing Keras if it is not loaded yet.

    Same precedence as Keras: the ``KERAS_BACKEND`` variable, then ``keras.json`` in
    Keras's home folder, then ``"tensorflow"``.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    try:
        config = json.loads((keras_home() / "keras.json").read_text())
        return str(config.get("backend") or "tensorflow")
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def import_keras():
    """Import and return ``keras``, with TensorFlow's log lines silenced first.

    Raises:
        ImportError: with install instructions, when Keras or its backend is missing.
    """
    quiet_tensorflow_logs()
    try:
        import keras
    except ImportError as error:
        raise ImportError(_missing_package_message("Keras", error)) from error
    return keras


def import_tensorflow():
    """Import and return ``tensorflow`` quietly (chapter 6 uses it directly).

    Raises:
        ImportError: with the same install instructions as :func:`import_keras`.
    """
    quiet_tensorflow_logs()
    try:
        import tensorflow
    except ImportError as error:
        raise ImportError(_missing_package_message("TensorFlow", error)) from error
    return tensorflow


def _missing_package_message(package: str, error: ImportError) -> str:
    return (f"{package} could not be imported ({error}). Install the course's packages with "
            "`make lab` (or `pip install -r requirements/base.txt`); on Colab they are already there.")


def on_colab() -> bool:
    """Return ``True`` when running inside Google Colab."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def on_kaggle() -> bool:
    """Return ``True`` when running inside a Kaggle notebook session."""
    return "KAGGLE_KERNEL_RUN_TYPE" in os.environ


def visible_gpus() -> list[str]:
    """Return the names of the GPUs that the Keras backend can compute on.

    Imports the backend (TensorFlow, JAX or PyTorch) if it is not loaded yet.
    An empty list means training runs on the CPU.
    """
    backend = keras_backend_name()
    if backend == "tensorflow":
        quiet_tensorflow_logs()
        import tensorflow as tf

        names = []
        for gpu in tf.config.list_physical_devices("GPU"):
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        return names
    if backend == "jax":
        import jax

        try:
            return [device.device_kind for device in jax.devices("gpu")]
        except RuntimeError:  # JAX says "Unknown backend" when no GPU is visible
            return []
    if backend == "torch":
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return []


def describe_device(gpus: list[str] | None = None) -> str:
    """Return a one-line description of where Keras computes, e.g. ``"GPU (Tesla T4)"``.

    Args:
        gpus: the result of :func:`visible_gpus`, if already known.
    """
    gpus = visible_gpus() if gpus is None else gpus
    if not gpus:
        return "CPU (no GPU visible)"
    more = f" and {len(gpus) - 1} more" if len(gpus) > 1 else ""
    return f"GPU ({gpus[0]}{more})"


def gpu_hint(gpus: list[str] | None = None) -> str | None:
    """Return how to get a GPU when on a CPU-only Colab or Kaggle session, else ``None``."""
    gpus = visible_gpus() if gpus is None else gpus
    if gpus:
        return None
    if on_colab():
        return COLAB_GPU_HINT
    if on_kaggle():
        return KAGGLE_GPU_HINT
    return None

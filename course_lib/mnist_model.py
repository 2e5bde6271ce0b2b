"""The dashboard's small MNIST classifier, run with NumPy (no TensorFlow needed).

The weights come from ``course_lib/models/mnist_dense_64.npz``, written by
``tools/train_dashboard_model.py`` (Keras: Dense(64, relu) then Dense(10, softmax)).
Prediction is the same two Dense layers written out: ``softmax(relu(x @ W1 + b1) @ W2 + b2)``.

Used by the dashboard's MNIST explorer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent / "models" / "mnist_dense_64.npz"


class MnistModelError(RuntimeError):
    """The model file is missing or unreadable; the message says how to fix it."""


@lru_cache(maxsize=1)
def load_weights(path: str | None = None) -> dict:
    """Return the model's arrays ``w1, b1, w2, b2`` (float32) and its recorded Keras test accuracy."""
    path = Path(path) if path else MODEL_FILE
    try:
        with np.load(path, allow_pickle=False) as archive:
            weights = {name: archive[name].astype(np.float32) for name in ("w1", "b1", "w2", "b2")}
            weights["keras_test_accuracy"] = float(archive["keras_test_accuracy"])
    except (OSError, KeyError, ValueError) as error:
        raise MnistModelError(
            f"The dashboard's MNIST model could not be read from {path} ({error}). "
            "Recreate it with `python tools/train_dashboard_model.py`."
        ) from error
    if weights["w1"].shape[0] != 784 or weights["w2"].shape[1] != 10:
        raise MnistModelError(f"{path} holds a model of the wrong shape: {weights['w1'].shape} and {weights['w2'].shape}.")
    return weights


def predict_proba(images) -> np.ndarray:
    """Return the ten class probabilities for each image (uint8 ``(n, 28, 28)`` or ``(28, 28)``)."""
    images = np.asarray(images)
    single = images.ndim == 2
    x = images.reshape((-1, 784)).astype(np.float32) / 255
    w = load_weights()
    hidden = np.maximum(x @ w["w1"] + w["b1"], 0)
    logits = hidden @ w["w2"] + w["b2"]
    logits -= logits.max(axis=1, keepdims=True)  # for a stable softmax
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return probabilities[0] if single else probabilities

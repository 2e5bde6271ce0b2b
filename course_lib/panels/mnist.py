"""The MNIST explorer: pick a test digit, see it and a small model's ten probabilities.

The model is the dashboard's own small classifier, run with NumPy (no TensorFlow needed):
its weights come from ``mnist_dense_64.npz`` beside this module, written by
``tools/train_dashboard_model.py`` (Keras: Dense(64, relu) then Dense(10, softmax)), and
prediction is the same two Dense layers written out,
``softmax(relu(x @ W1 + b1) @ W2 + b2)`` (:func:`predict_proba`).

Used by the dashboard (tab "MNIST explorer").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from course_lib import data
from course_lib.panels.base import SLIDER_STYLE, FigureView, Panel, parse_whole_number

MODEL_FILE = Path(__file__).resolve().parent / "mnist_dense_64.npz"


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
        raise MnistModelError(f"{path} holds a model of the wrong shape: "
                              f"{weights['w1'].shape} and {weights['w2'].shape}.")
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


class MnistExplorer(Panel):
    """Pick a test digit, see it and the small model's ten probabilities."""

    title = "MNIST explorer"

    def __init__(self, test_images=None, test_labels=None, index: int = 0):
        super().__init__()

        self.index = widgets.Text(value=str(index), description="test image #", style=SLIDER_STYLE,
                                  layout=widgets.Layout(width="220px"))
        self.random_button = widgets.Button(description="random digit", icon="random",
                                            layout=widgets.Layout(width="140px"))
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(7, 3.2), alt="A handwritten digit and the model's probability for each class")
        self.view.figure.clear()
        self.ax_digit, self.ax_bars = self.view.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
        # Drawn once; a new digit only changes the picture's pixels, the bars' heights and colours, and the titles.
        self.digit = self.ax_digit.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0, vmax=255)
        self.ax_digit.set_xticks([])
        self.ax_digit.set_yticks([])
        self.ax_digit.set_title("test image")
        self.bars = self.ax_bars.bar(range(10), np.zeros(10), color="tab:blue")
        self.ax_bars.set_xticks(range(10))
        self.ax_bars.set_ylim(0, 1)
        self.ax_bars.set_xlabel("digit")
        self.ax_bars.set_ylabel("probability")
        self.ax_bars.set_title("predicted")
        self.view.figure.tight_layout()
        self.widget = widgets.VBox([widgets.HBox([self.index, self.random_button]), self.message, self.text,
                                    self.view.image])
        self.images, self.labels = test_images, test_labels
        #: Why the explorer cannot work here, as (what is missing, how to fix it); None when it can.
        self.unavailable: tuple[str, str] | None = None
        if self.images is None:
            source = data.locate_mnist()
            if source.kind in ("local", "cache") and source.ok:  # never wait on a download here
                _, (self.images, self.labels) = data.load_mnist()
            else:
                self.unavailable = ("MNIST is not on this machine",
                                    "the dashboard does not download it. Run `make mnist` (or set COURSE_MNIST_PATH) "
                                    "and reload the page.")
        try:
            self.accuracy = load_weights()["keras_test_accuracy"]
        except MnistModelError:  # its message names the file's full path: the page gets the name only
            self.unavailable = ("the model file could not be read",
                                f"{MODEL_FILE.name} is missing or damaged. Recreate it with "
                                "`python tools/train_dashboard_model.py`.")
        self._rng = np.random.default_rng(0)
        self.watch(self.index, handler=self.update)
        self.watch(self.random_button, handler=self.show_random)
        self.current = None
        self.update()

    def show_random(self) -> None:
        if self.images is not None:
            self.index.value = str(int(self._rng.integers(len(self.images))))

    def update(self, change=None) -> None:
        if self.unavailable:
            self.show_error(": ".join(self.unavailable))
            self.random_button.disabled = True
            return
        try:
            k = parse_whole_number(self.index.value, "test image #", minimum=0, maximum=len(self.images) - 1)
        except ValueError as error:
            self.show_error(str(error))
            return
        self.clear_error()
        self.current = k
        probabilities = predict_proba(self.images[k])
        predicted = int(probabilities.argmax())
        self.digit.set_data(self.images[k])
        self.ax_digit.set_title(f"test image #{k}, label {self.labels[k]}")
        for d, (bar, probability) in enumerate(zip(self.bars, probabilities)):
            bar.set_height(probability)
            bar.set_color("tab:green" if d == predicted == self.labels[k] else "crimson" if d == predicted
                          else "tab:blue")
        self.ax_bars.set_title(f"predicted {predicted} ({probabilities[predicted]:.0%})")
        verdict = "right" if predicted == self.labels[k] else "wrong"
        self.text.value = (f"<pre>model says {predicted} with probability {probabilities[predicted]:.3f}: {verdict} "
                           f"(this small model gets {self.accuracy:.1%} of the test set right)</pre>")
        self.prediction = predicted
        self.view.refresh(alt=f"Test image #{k}, a handwritten {self.labels[k]}, and the model's ten probabilities "
                              f"as bars: it predicts {predicted} with probability {probabilities[predicted]:.0%}, "
                              f"{verdict}.")

    def summary(self) -> str:
        if self.unavailable:
            return f"MnistExplorer: unavailable ({self.unavailable[0]})"
        return (f"MnistExplorer: test image #{self.current}, label {self.labels[self.current]}, "
                f"predicted {self.prediction}")

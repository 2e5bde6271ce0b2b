"""Training helpers: short, readable progress lines for Keras's ``fit``.

Keras is imported lazily, inside the functions, so importing this module is cheap.

Introduced in notebook 01.
"""

from __future__ import annotations

import time


def epoch_logger(print_fn=print):
    """Return a Keras callback that prints one short line per epoch.

    Example line: ``epoch 1/5  loss 0.2563  accuracy 0.9261  (2.3 s)``. Use it with
    ``fit(..., verbose=0)`` instead of Keras's progress bar, whose per-step timings
    change on every run.
    """
    from course_lib.backend import import_keras

    keras = import_keras()

    class EpochLogger(keras.callbacks.Callback):
        """Print one line per epoch: its metrics and how long it took."""

        def on_train_begin(self, logs=None):
            self.epoch_seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = time.perf_counter() - self._start
            self.epoch_seconds.append(seconds)
            metrics = "  ".join(f"{name} {value:.4f}" for name, value in (logs or {}).items())
            print_fn(f"epoch {epoch + 1}/{self.params.get('epochs', '?')}  {metrics}  ({seconds:.1f} s)")

    return EpochLogger()

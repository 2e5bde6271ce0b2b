"""Training: short progress lines for Keras's ``fit`` (chapter 1) and the book's first
example written from scratch (chapter 6): ``NaiveDense``, ``NaiveSequential``,
``BatchGenerator``, ``one_training_step``, both ``update_weights`` variants, ``fit`` and
``evaluate``, plus a compiled (``tf.function``) training step.

Keras and TensorFlow are imported lazily, inside the functions, so importing this module is cheap.

Introduced in notebooks 01 and 06.
"""

from __future__ import annotations

import math
import time

from course_lib.validation import as_finite_number, as_whole_number

#: Keras compile settings that make ``fit`` fast on an accelerator: XLA compilation and one
#: call per epoch of 469 steps (measured in benchmarks/training_benchmark.py).
FAST_FIT_SETTINGS = {"jit_compile": True, "steps_per_execution": 469}


def fit_settings(gpus: list | None = None) -> dict:
    """Return extra ``model.compile`` settings for the device training will run on.

    With a GPU visible: :data:`FAST_FIT_SETTINGS` (same results up to floating-point noise,
    several times faster per epoch). On a CPU: nothing, so chapter 1 runs exactly the book's
    code (the benchmark shows what the settings would gain there too).

    Args:
        gpus: the result of :func:`course_lib.backend.visible_gpus`, if already known.
    """
    from course_lib.backend import visible_gpus

    gpus = visible_gpus() if gpus is None else gpus
    return dict(FAST_FIT_SETTINGS) if gpus else {}


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


# --- chapter 6: the first example, from scratch ----------------------------------------------
# TensorFlow is imported inside each function or constructor, never at module import.


def _tf():
    """Import TensorFlow quietly; a missing install raises the same clear ImportError as Keras's."""
    from course_lib.backend import import_tensorflow

    return import_tensorflow()


class NaiveDense:
    """A Dense layer written out: ``activation(matmul(inputs, W) + b)``.

    ``W`` starts uniform in [0, 0.1), ``b`` at zeros, as in the book's first example.
    """

    def __init__(self, input_size: int, output_size: int, activation):
        input_size = as_whole_number(input_size, "input_size", minimum=1)
        output_size = as_whole_number(output_size, "output_size", minimum=1)
        tf = _tf()
        self.W = tf.Variable(tf.random.uniform((input_size, output_size), minval=0, maxval=1e-1))
        self.b = tf.Variable(tf.zeros((output_size,)))
        self.activation = activation

    def __call__(self, inputs):
        import tensorflow as tf  # already loaded by __init__; a plain import keeps tf.function tracing clean

        if inputs.shape[-1] != self.W.shape[0]:
            raise ValueError(f"NaiveDense expects inputs with {self.W.shape[0]} features; "
                             f"got shape {tuple(inputs.shape)}.")
        return self.activation(tf.matmul(inputs, self.W) + self.b)

    @property
    def weights(self) -> list:
        return [self.W, self.b]


class NaiveSequential:
    """Chain layers; collect their weights."""

    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self) -> list:
        return [w for layer in self.layers for w in layer.weights]


class BatchGenerator:
    """Hand out ``(images, labels)`` batches in order: ``num_batches = ceil(n / batch_size)``."""

    def __init__(self, images, labels, batch_size: int = 128):
        if len(images) != len(labels):
            raise ValueError(f"got {len(images)} images but {len(labels)} labels.")
        batch_size = as_whole_number(batch_size, "batch_size", minimum=1)
        self.index = 0
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.num_batches = math.ceil(len(images) / batch_size)

    def next(self):
        images = self.images[self.index: self.index + self.batch_size]
        labels = self.labels[self.index: self.index + self.batch_size]
        self.index += self.batch_size
        return images, labels


def update_weights(gradients, weights, learning_rate: float = 1e-3) -> None:
    """Plain gradient descent, by hand: ``w <- w - learning_rate * g`` for every weight."""
    learning_rate = as_finite_number(learning_rate, "learning_rate", positive=True)
    for g, w in zip(gradients, weights):
        w.assign_sub(g * learning_rate)


def optimizer_update(optimizer):
    """Return an ``update(gradients, weights)`` that lets a Keras optimizer move the weights."""

    def update(gradients, weights):
        optimizer.apply_gradients(zip(gradients, weights))

    return update


def one_training_step(model, images_batch, labels_batch, update=update_weights):
    """Forward pass, mean sparse categorical crossentropy, tape gradient, update. Returns the loss."""
    import tensorflow as tf  # already loaded by the model; a plain import keeps tf.function tracing clean

    with tf.GradientTape() as tape:
        predictions = model(images_batch)
        per_sample = tf.keras.losses.sparse_categorical_crossentropy(labels_batch, predictions)
        average_loss = tf.reduce_mean(per_sample)
    gradients = tape.gradient(average_loss, model.weights)
    update(gradients, model.weights)
    return average_loss


def compiled_training_step(update=update_weights):
    """Return ``make(model)``, which gives :func:`one_training_step` for ``model`` compiled with
    ``tf.function``: the same maths, run as one TensorFlow graph instead of op by op."""
    tf = _tf()

    def make(model):
        @tf.function(reduce_retracing=True)
        def compiled(images_batch, labels_batch):
            return one_training_step(model, images_batch, labels_batch, update)

        return compiled

    return make


def fit(model, images, labels, *, epochs: int = 10, batch_size: int = 128, update=update_weights,
        compiled: bool = False, print_every: int = 100, print_fn=print) -> list[float]:
    """Train for ``epochs`` over ``images``; print the loss every ``print_every`` batches.

    Returns the loss of every step. ``compiled=True`` runs each step as one TensorFlow graph.
    """
    epochs = as_whole_number(epochs, "epochs", minimum=0)
    batch_size = as_whole_number(batch_size, "batch_size", minimum=1)
    print_every = as_whole_number(print_every, "print_every", minimum=0)
    tf = _tf()
    step = compiled_training_step(update)(model) if compiled else (
        lambda x, y: one_training_step(model, x, y, update))
    losses = []
    for epoch in range(epochs):
        batches = BatchGenerator(images, labels, batch_size)
        for batch_counter in range(batches.num_batches):
            images_batch, labels_batch = batches.next()
            loss = float(step(tf.constant(images_batch), tf.constant(labels_batch)))
            losses.append(loss)
            if print_every and batch_counter % print_every == 0:
                print_fn(f"epoch {epoch + 1}, batch {batch_counter:>3}: loss {loss:.2f}")
    return losses


def evaluate(model, images, labels, batch_size: int = 1000) -> float:
    """Accuracy of the model: share of images whose argmax prediction is the label."""
    import numpy as np

    batch_size = as_whole_number(batch_size, "batch_size", minimum=1)

    predicted = np.concatenate([np.asarray(model(images[i:i + batch_size])).argmax(axis=1)
                                for i in range(0, len(images), batch_size)])
    return float(np.mean(predicted == np.asarray(labels)))

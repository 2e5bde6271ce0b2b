"""Training: short progress lines for Keras's ``fit`` (chapter 1) and the book's first
example written from scratch (chapter 6), in the 3rd edition's Keras 3 style: ``NaiveDense``,
``NaiveSequential``, ``BatchGenerator``, ``one_training_step``, both ``update_weights``
variants, ``fit`` and ``evaluate``, plus a compiled (``tf.function``) training epoch.

The model, the loss, the updates and the evaluation use only ``keras.Variable`` and
``keras.ops``, so they run on any Keras backend; only the gradient comes from TensorFlow
(``tf.GradientTape``), as in the book. These are the tested reference versions of the code
that notebook 06 writes out cell by cell.

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


# --- chapter 6: the first example, from scratch --------------------------------------------
# Keras (and TensorFlow for the gradient) are imported inside each function or constructor, never at
# module import. Everything but the gradient is backend-neutral: keras.Variable and keras.ops only.
# What runs inside a compiled epoch uses plain `from keras import ops` (Keras is loaded, quietly, by
# the model's constructor): tf.function would otherwise trace into the import helpers.

#: The book's learning rate for plain SGD in the from-scratch example.
LEARNING_RATE = 1e-3


def _tf():
    """Import TensorFlow quietly; a missing install raises the same clear ImportError as Keras's."""
    from course_lib.backend import import_tensorflow

    return import_tensorflow()


class NaiveDense:
    """A Dense layer written out: ``activation(matmul(inputs, W) + b)``.

    ``W`` starts with Keras's ``"uniform"`` initializer (uniform in [-0.05, 0.05]) and ``b``
    at zeros, both ``keras.Variable``; ``keras.utils.set_random_seed`` makes the draw repeatable.

    Args:
        input_size: features per input sample (rows of ``W``).
        output_size: units of the layer (columns of ``W``).
        activation: a function applied to the result, e.g. ``keras.ops.relu``; ``None`` for none.
    """

    def __init__(self, input_size: int, output_size: int, activation=None):
        from course_lib.backend import import_keras

        input_size = as_whole_number(input_size, "input_size", minimum=1)
        output_size = as_whole_number(output_size, "output_size", minimum=1)
        if activation is not None and not callable(activation):
            raise ValueError(f"activation must be a function such as keras.ops.relu, or None; got {activation!r}.")
        keras = import_keras()
        self.W = keras.Variable(shape=(input_size, output_size), initializer="uniform")
        self.b = keras.Variable(shape=(output_size,), initializer="zeros")
        self.activation = activation

    def __call__(self, inputs):
        if inputs.shape[-1] != self.W.shape[0]:
            raise ValueError(f"NaiveDense expects inputs with {self.W.shape[0]} features; "
                             f"got shape {tuple(inputs.shape)}.")
        from keras import ops

        outputs = ops.matmul(inputs, self.W) + self.b
        return outputs if self.activation is None else self.activation(outputs)

    @property
    def weights(self) -> list:
        """The layer's trainable tensors: ``[W, b]``."""
        return [self.W, self.b]


class NaiveSequential:
    """Chain layers, each fed the previous one's output; collect their weights."""

    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, inputs):
        outputs = inputs
        for layer in self.layers:
            outputs = layer(outputs)
        return outputs

    @property
    def weights(self) -> list:
        """Every layer's weights, in order."""
        return [w for layer in self.layers for w in layer.weights]


def mnist_model():
    """Return the book's from-scratch MNIST model: ``NaiveDense`` 784 -> 512 (relu) -> 10 (softmax)."""
    from course_lib.backend import import_keras

    ops = import_keras().ops
    return NaiveSequential([NaiveDense(28 * 28, 512, activation=ops.relu),
                            NaiveDense(512, 10, activation=ops.softmax)])


def starting_weights(sizes=(784, 512, 10), seed: int = 0) -> list:
    """Return NumPy starting weights for a ``NaiveDense`` stack of ``sizes``, the same on every backend.

    Each kernel is uniform in [-0.05, 0.05] (what ``initializer="uniform"`` draws), each bias zeros.
    Keras's own draws differ from backend to backend; assigning these instead lets TensorFlow,
    JAX and PyTorch start from identical weights, so their losses can be compared.
    """
    import numpy as np

    rng = np.random.default_rng(as_whole_number(seed, "seed", minimum=0))
    weights = []
    for rows, columns in zip(sizes[:-1], sizes[1:]):
        weights += [rng.uniform(-0.05, 0.05, size=(rows, columns)).astype("float32"),
                    np.zeros(columns, dtype="float32")]
    return weights


class BatchGenerator:
    """Hand out ``(images, labels)`` batches in order: ``num_batches = ceil(n / batch_size)``.

    With ``shuffle=True`` the samples are put in a random order first (images and labels
    together), so each generator, that is each epoch of :func:`fit`, sees its own order.
    """

    def __init__(self, images, labels, batch_size: int = 128, *, shuffle: bool = False, seed: int | None = None):
        if len(images) != len(labels):
            raise ValueError(f"got {len(images)} images but {len(labels)} labels.")
        batch_size = as_whole_number(batch_size, "batch_size", minimum=1)
        if shuffle:
            import numpy as np

            order = np.random.default_rng(seed).permutation(len(images))
            images, labels = np.asarray(images)[order], np.asarray(labels)[order]
        self.index = 0
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.num_batches = math.ceil(len(images) / batch_size)

    def next(self):
        """Return the next batch and move on; the last batch may be smaller."""
        images = self.images[self.index: self.index + self.batch_size]
        labels = self.labels[self.index: self.index + self.batch_size]
        self.index += self.batch_size
        return images, labels


def update_weights(gradients, weights, learning_rate: float = LEARNING_RATE) -> None:
    """Plain gradient descent, by hand: ``w.assign(w - g * learning_rate)`` for every weight."""
    learning_rate = as_finite_number(learning_rate, "learning_rate", positive=True)
    for g, w in zip(gradients, weights):
        w.assign(w - g * learning_rate)


def optimizer_update(optimizer):
    """Return an ``update(gradients, weights)`` that lets a Keras optimizer move the weights.

    ``optimizer_update(keras.optimizers.SGD(learning_rate=1e-3))`` moves them exactly as
    :func:`update_weights` does; RMSprop or Adam scale each step by the gradients' history.
    """

    def update(gradients, weights):
        optimizer.apply_gradients(zip(gradients, weights))

    update.optimizer = optimizer
    return update


def average_loss(model, images_batch, labels_batch):
    """The batch's mean sparse categorical crossentropy between the labels and the model's predictions."""
    from keras import ops

    predictions = model(images_batch)
    return ops.mean(ops.sparse_categorical_crossentropy(labels_batch, predictions))


def one_training_step(model, images_batch, labels_batch, update=update_weights):
    """Forward pass and mean loss under a ``tf.GradientTape``, the gradient, the update. Returns the loss."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = average_loss(model, images_batch, labels_batch)
    gradients = tape.gradient(loss, model.weights)
    update(gradients, model.weights)
    return loss


def compiled_epoch(model, batch_size: int = 128, update=update_weights, *, jit_compile: bool = False):
    """Return ``train_epoch(images, labels)``: one epoch of :func:`one_training_step`, compiled.

    ``tf.function`` turns the whole loop over the batches (in order, as :class:`BatchGenerator`
    hands them out) into one TensorFlow graph: the same arithmetic as the eager loop, with no
    trip back to Python between operations or between steps. It returns the loss of every step.
    ``jit_compile=True`` also hands the graph to XLA (on a CPU usually no faster).
    """
    tf = _tf()
    batch_size = as_whole_number(batch_size, "batch_size", minimum=1)
    optimizer = getattr(update, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.weights)  # its slots must exist before the loop: a graph loop cannot create them

    @tf.function(jit_compile=jit_compile, reduce_retracing=True)
    def train_epoch(images, labels):
        num_batches = (tf.shape(images)[0] + batch_size - 1) // batch_size
        losses = tf.TensorArray(tf.float32, size=num_batches)
        for index in tf.range(num_batches):
            start = index * batch_size
            loss = one_training_step(model, images[start:start + batch_size], labels[start:start + batch_size],
                                     update)
            losses = losses.write(index, tf.cast(loss, tf.float32))
        return losses.stack()

    return train_epoch


def fit(model, images, labels, *, epochs: int = 10, batch_size: int = 128, update=update_weights,
        compiled: bool = False, print_every: int = 100, print_fn=print) -> list[float]:
    """Train for ``epochs`` over ``images``; print the loss every ``print_every`` batches.

    Returns the loss of every step. ``compiled=False`` runs :func:`one_training_step` eagerly,
    batch by batch from a :class:`BatchGenerator`, as the book does; ``compiled=True`` runs each
    epoch as one graph (:func:`compiled_epoch`), with the same batches and the same losses, and
    prints its progress lines when the epoch ends.
    """
    epochs = as_whole_number(epochs, "epochs", minimum=0)
    batch_size = as_whole_number(batch_size, "batch_size", minimum=1)
    print_every = as_whole_number(print_every, "print_every", minimum=0)
    losses: list[float] = []
    if compiled:
        tf = _tf()
        train_epoch = compiled_epoch(model, batch_size, update)
        images, labels = tf.convert_to_tensor(images), tf.convert_to_tensor(labels)
    for epoch in range(epochs):
        if compiled:
            epoch_losses = [float(loss) for loss in train_epoch(images, labels).numpy()]
        else:
            epoch_losses = []
            batches = BatchGenerator(images, labels, batch_size)
            for _ in range(batches.num_batches):
                images_batch, labels_batch = batches.next()
                epoch_losses.append(float(one_training_step(model, images_batch, labels_batch, update)))
                _progress(epoch, len(epoch_losses) - 1, epoch_losses[-1], print_every, print_fn)
        if compiled:
            for batch_counter, loss in enumerate(epoch_losses):
                _progress(epoch, batch_counter, loss, print_every, print_fn)
        losses += epoch_losses
    return losses


def _progress(epoch: int, batch_counter: int, loss: float, print_every: int, print_fn) -> None:
    if print_every and batch_counter % print_every == 0:
        print_fn(f"epoch {epoch + 1}, batch {batch_counter:>3}: loss {loss:.2f}")


def evaluate(model, images, labels, batch_size: int = 1000) -> float:
    """Accuracy of the model: the share of images whose most probable class (``ops.argmax``) is the label."""
    from course_lib.backend import import_keras

    ops = import_keras().ops
    batch_size = as_whole_number(batch_size, "batch_size", minimum=1)
    if len(images) != len(labels):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels.")
    if not len(images):
        raise ValueError("images must hold at least one sample; got none.")
    matches = 0
    for start in range(0, len(images), batch_size):
        predicted_labels = ops.argmax(model(images[start:start + batch_size]), axis=1)
        matches += int(ops.sum(ops.cast(ops.equal(predicted_labels, labels[start:start + batch_size]), "int32")))
    return matches / len(images)

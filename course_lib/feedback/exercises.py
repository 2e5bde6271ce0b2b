"""The exercises of the chapter notebooks, each a one-line call with a hint.

Each function takes the learner's answer (left as ``...`` until answered) and returns a
:class:`course_lib.feedback.base.Feedback`. Expected values are computed from the question's
facts, not typed in, so the exercises stay right if a question changes.

Introduced in notebooks 01-06 (one group per notebook below).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import geometry
from course_lib.feedback import base as checks

# --- Notebook 01: a first look at a neural network ---------------------------------


def check_digit_count(answer, train_labels, digit: int = 5):
    """How many training samples have label ``digit``?"""
    expected = int(np.sum(np.asarray(train_labels) == digit))
    return checks.check_value(
        answer, expected,
        hint=f"compare the labels with {digit} (`train_labels == {digit}`) and count the True values "
             "with `.sum()`, or look at `np.bincount(train_labels)`.",
    )


def check_dense_parameters(answer, inputs: int = 28 * 28, units: int = 512):
    """How many numbers (weights and biases) does ``Dense(units)`` on ``inputs`` features learn?"""
    return checks.check_value(
        answer, inputs * units + units,
        hint="a Dense layer learns one weight per (input, unit) pair, plus one bias per unit.",
        detail=f"{inputs} x {units} weights + {units} biases.",
    )


def check_crossentropy(answer, probability: float = 0.8, digits: int = 3):
    """The sparse categorical crossentropy of one sample whose true class got ``probability``, to ``digits``
    significant digits (or exact)."""
    return checks.check_number(
        answer, -math.log(probability), digits=digits,
        hint="for one sample the loss is minus the natural logarithm of the probability given to "
             "the true class: `-np.log(p)`.",
        detail="A confident right answer costs little; p = 1 would cost 0.",
    )


def check_scaled_pixel(answer, pixel: int = 128, digits: int = 3):
    """What does a pixel value of ``pixel`` become after the preprocessing step (``digits`` significant digits)?"""
    return checks.check_number(
        answer, np.float32(pixel) / np.float32(255), digits=digits,
        hint="preprocessing casts to float32 and divides by 255.",
    )


def check_gradient_updates(answer, samples: int = 60000, batch_size: int = 128, epochs: int = 5):
    """How many gradient updates does ``fit(epochs=5, batch_size=128)`` make on 60,000 samples?"""
    steps = math.ceil(samples / batch_size)
    return checks.check_value(
        answer, epochs * steps,
        hint=f"one update per batch; an epoch has ceil({samples} / {batch_size}) batches "
             "(the last one is smaller).",
        detail=f"{steps} steps per epoch x {epochs} epochs.",
    )


def check_accuracy_by_hand(answer, expected_accuracy: float):
    """Is the learner's argmax accuracy the one ``model.evaluate`` reported?"""
    if answer is checks.PLACEHOLDER:
        return checks.unanswered(_ACCURACY_HINT)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return checks.not_yet(f"{answer!r} is not a number.", _ACCURACY_HINT)
    if abs(value - expected_accuracy) <= 2e-3:
        return checks.correct(f"{value:.4f} matches evaluate()'s accuracy.")
    return checks.not_yet(f"{value:.4f} differs from evaluate()'s {expected_accuracy:.4f}.", _ACCURACY_HINT)


_ACCURACY_HINT = ("take `predictions.argmax(axis=1)` over all test images, compare it with "
                  "`test_labels`, and take the mean of the comparison.")

# --- Notebook 02: data representations ----------------------------------------------


def check_rank_and_shape(answer, x):
    """Answer ``(rank, shape)`` of the array ``x``."""
    x = np.asarray(x)
    return checks.check_value(
        answer, (x.ndim, x.shape),
        hint="the rank counts the levels of nested brackets; the shape lists, from the outside in, "
             "how many items each level holds. Write e.g. (1, (5,)).",
    )


def check_label_attributes(answer, train_labels):
    """Answer ``(ndim, shape, dtype name)`` of ``train_labels``."""
    labels = np.asarray(train_labels)
    return checks.check_value(
        answer, (labels.ndim, labels.shape, labels.dtype.name),
        hint="write a tuple such as (2, (3, 4), 'float32'): rank first, then the shape tuple, "
             "then the dtype's name as a string.",
    )


def check_top_left_corner(answer, train_images):
    """The top-left 14x14 corner of every training image."""
    return checks.check_array(
        answer, np.asarray(train_images)[:, :14, :14],
        hint="keep every image (`:` on axis 0) and the first 14 rows and columns (`:14`).",
    )


def check_batch(answer, train_images, n: int = 3, batch_size: int = 128):
    """Batch ``n`` of size ``batch_size``."""
    images = np.asarray(train_images)
    return checks.check_array(
        answer, images[batch_size * n: batch_size * (n + 1)],
        hint=f"batch n starts at sample batch_size * n and stops before batch_size * (n + 1); here n = {n}.",
    )


def check_video_shape(answer, clips: int = 10, seconds: int = 30, fps: int = 10, height: int = 64, width: int = 64):
    """Shape of ``clips`` colour videos, ``seconds`` long at ``fps`` frames per second."""
    return checks.check_shape(
        answer, (clips, seconds * fps, height, width, 3),
        hint="video is (samples, frames, height, width, channels); frames = seconds x frames per second; "
             "colour has 3 channels.",
    )


# --- Notebook 03: tensor operations --------------------------------------------------


def check_naive_multiply(function):
    """A loop version of element-wise multiplication of two matrices of the same shape."""
    rng = np.random.default_rng(3)
    cases = [(rng.normal(size=shape), rng.normal(size=shape)) for shape in [(2, 3), (1, 1), (5, 4)]]
    cases.append((rng.integers(-5, 5, size=(3, 3)), rng.integers(-5, 5, size=(3, 3))))
    return checks.check_function(
        function, np.multiply, cases,
        hint="copy naive_add and change one operator; loop over rows i and columns j.",
    )


def check_broadcast_shape(answer, x_shape=(8, 5, 4), y_shape=(5, 4)):
    """The shape of ``np.maximum(x, y)`` for the given shapes."""
    return checks.check_shape(
        answer, np.broadcast_shapes(tuple(x_shape), tuple(y_shape)),
        hint="line the shapes up from the right; the smaller tensor gets new axes of length 1 in front, and an "
             "axis of length 1 is repeated to match the other tensor's length.",
    )


def check_product_shape(answer, x_shape=(2, 3, 4, 5), y_shape=(5, 6)):
    """The shape of ``x @ y`` for the given shapes."""
    return checks.check_shape(
        answer, tuple(x_shape[:-1]) + tuple(y_shape[1:]),
        hint="the last axis of x meets the first axis of y and disappears; the other axes stay, in order.",
    )


def check_flat_index(answer, row: int = 3, column: int = 10, width: int = 28):
    """After ``reshape((60000, 784))``, which column holds pixel ``[row, column]`` of an image?"""
    return checks.check_value(
        answer, row * width + column,
        hint="reshaping reads each image row by row: whole rows come first, then the column.",
    )


# --- Notebook 04: the geometry of tensor operations ---------------------------------


def check_vector_sum(answer, A=(0.5, 1.0), B=(1.0, 0.25)):
    """The vector ``A + B``."""
    return checks.check_array(answer, np.add(A, B), hint="add the x coordinates, then the y coordinates.")


def check_translation(answer, corner=(0.7, 1.0), target=(0.0, 0.0)):
    """The vector b that moves the point ``corner`` onto ``target``."""
    return checks.check_array(
        answer, np.subtract(target, corner),
        hint="corner + b must equal target, so b = target - corner.",
    )


def check_rotation_90(answer):
    """The matrix that rotates points 90 degrees counter-clockwise."""
    return checks.check_array(
        answer, geometry.rotation_matrix(90),
        hint="use [[cos t, -sin t], [sin t, cos t]] with cos 90° = 0 and sin 90° = 1; "
             "check that it sends [1, 0] to [0, 1].",
    )


def check_scaling(answer, sx=2.0, sy=0.5):
    """The matrix that multiplies x by ``sx`` and y by ``sy``."""
    return checks.check_array(
        answer, geometry.scaling_matrix(sx, sy),
        hint="a scaling matrix is diagonal: the x factor top-left, the y factor bottom-right, zeros elsewhere.",
    )


#: Where exercise 4.5 sends the unit square's corners (0, 0), (1, 0) and (0, 1).
PARALLELOGRAM = {(0, 0): (1.0, 0.0), (1, 0): (2.0, 0.5), (0, 1): (1.5, 1.5)}


def check_square_to_parallelogram(W, b):
    """W and b such that ``W @ corner + b`` sends each corner of the unit square to :data:`PARALLELOGRAM`."""
    hint = ("start with the corner (0, 0): W @ [0, 0] is zero, so it lands on b. Then W @ [1, 0] is W's first "
            "column and W @ [0, 1] its second: each is where that corner lands, minus b.")
    if W is checks.PLACEHOLDER or b is checks.PLACEHOLDER:
        return checks.unanswered(hint)
    try:
        W, b = geometry.as_matrix(W), geometry.as_vector(b)
    except ValueError as error:
        return checks.not_yet(str(error), hint)
    for corner, target in PARALLELOGRAM.items():
        landed = W @ np.array(corner, float) + b
        if not np.allclose(landed, target, atol=1e-6):
            return checks.not_yet(f"corner {corner} lands on {np.round(landed, 3).tolist()}, not on {list(target)}.",
                                  hint)
    return checks.correct("The square maps exactly onto the parallelogram.")


def check_collapsed_layers(W, b, W1, b1, W2, b2):
    """The single affine map (W, b) equal to layer (W1, b1) followed by layer (W2, b2)."""
    hint = "W2 @ (W1 @ x + b1) + b2 = (W2 @ W1) @ x + (W2 @ b1 + b2): mind the order of the product."
    if W is checks.PLACEHOLDER or b is checks.PLACEHOLDER:
        return checks.unanswered(hint)
    expected_W, expected_b = geometry.compose_affine(W1, b1, W2, b2)
    outcome = checks.check_array(W, expected_W, hint=hint)
    if not outcome:
        return checks.not_yet(f"W is not right: {outcome.problem}", hint)
    outcome = checks.check_array(b, expected_b, hint=hint)
    if not outcome:
        return checks.not_yet(f"W is right, b is not: {outcome.problem}", hint)
    return checks.correct("Two Dense layers without activation are one Dense layer.")


def check_relu_points(answer, points):
    """relu applied to every coordinate of ``points``."""
    return checks.check_array(
        answer, np.maximum(np.asarray(points, float), 0.0),
        hint="relu replaces each negative coordinate by 0 and keeps the others: np.maximum(points, 0).",
    )


def check_first_layer(answer, network, points):
    """The points after the network's first hidden layer: ``tanh(points @ W.T + b)``."""
    return checks.check_array(
        answer, network.layer_outputs(points)[1], rtol=1e-6, atol=1e-9,
        hint="W, b = run.network.hidden[0]; each point x becomes tanh(W @ x + b), which for all rows "
             "at once is np.tanh(points @ W.T + b).",
    )


# --- Notebook 05: gradient-based optimisation ----------------------------------------


def check_parameter_count(answer, sizes=(784, 512, 10)):
    """How many weights and biases the Dense stack ``sizes[0] -> sizes[1] -> ...`` learns."""
    expected = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    return checks.check_value(
        answer, expected,
        hint="add up, layer by layer, inputs x units weights plus units biases.",
        detail=f"So one update by trial and error would need {2 * expected:,} forward passes.",
    )


def check_derivative_by_hand(answer):
    """The derivative of ``f(x) = 3 * x**2 + 2 * x`` at ``x = 1``."""
    return checks.check_value(
        answer, 3 * 2 * 1 + 2,
        hint="the derivative of x**2 is 2x and of a*x is a; add the pieces, then put in x = 1.",
    )


def check_gradient_step(answer, w0=3.0, learning_rate=0.1):
    """``w1`` after one gradient-descent step on ``loss(w) = w**2`` from ``w0``."""
    return checks.check_value(
        answer, w0 - learning_rate * 2 * w0,
        hint="w1 = w0 - learning_rate * gradient, and the gradient of w**2 at w0 is 2 * w0.",
    )


def check_learning_rate_choice(answer, steps: int = 10, start: float = 3.0, tolerance: float = 0.01):
    """A learning rate with which ``steps`` steps of descent on ``w**2`` from ``start`` end within ``tolerance``
    of 0."""
    from course_lib import optimization

    hint = ("each step multiplies w by (1 - 2 * learning_rate): make that factor small, "
            "but remember what happens past 1.")
    if answer is checks.PLACEHOLDER:
        return checks.unanswered(hint)
    try:
        run = optimization.gradient_descent(lambda w: w ** 2, lambda w: 2 * w, start, learning_rate=answer, steps=steps)
    except ValueError as error:
        return checks.not_yet(str(error), hint)
    final = float(np.ravel(run.final)[0])
    if run.diverged or not abs(final) < tolerance:
        if run.diverged or abs(final) > abs(start):
            what = f"moved away from the minimum ({'diverged' if run.diverged else f'w = {final:.3g}'})"
        else:
            what = f"ended at w = {final:.3g}, not yet within {tolerance}"
        return checks.not_yet(f"with learning rate {answer} the descent {what}.", hint)
    return checks.correct(f"After {steps} steps w = {final:.2g}.")


def check_momentum_step(answer, w=2.0, learning_rate=0.02, momentum=0.9, digits: int = 3):
    """``w`` after the first step of the book's naive momentum update on the double well (``digits``
    significant digits, or exact)."""
    from course_lib import optimization

    g = optimization.double_well_gradient(w)
    velocity = 0.0 * momentum - learning_rate * g
    return checks.check_number(
        answer, w + momentum * velocity - learning_rate * g, digits=digits,
        hint="past_velocity starts at 0; the gradient of w**4 - 3w**2 + w is 4w**3 - 6w + 1.",
    )


def check_chain_rule(answer, x=1.0):
    """The derivative of ``(3x + 1)**2`` at ``x``."""
    return checks.check_value(
        answer, 2 * (3 * x + 1) * 3,
        hint="outer function u**2 has derivative 2u; inner u = 3x + 1 has derivative 3; multiply.",
    )


def check_backward_pass(answer, x=2.0, w=3.0, b=1.0, y_true=10.0):
    """``(grad(loss, w), grad(loss, b))`` for ``loss = |y_true - (x * w + b)|``."""
    from course_lib import graph

    grads = graph.curriculum_example(x=x, w=w, b=b, y_true=y_true).backward()
    return checks.check_value(
        answer, (grads["w"], grads["b"]),
        hint="the prediction is now below y_true, so d loss / d x2 is -1, not 1; the other edges are unchanged.",
    )


def check_tape_derivative(answer):
    """The derivative of ``x**3`` at ``x = 2``, computed with ``tf.GradientTape``."""
    if answer is not checks.PLACEHOLDER and hasattr(answer, "numpy"):
        answer = answer.numpy()
    return checks.check_value(
        answer, 3 * 2.0 ** 2,
        hint="x = tf.Variable(2.0); inside `with tf.GradientTape() as tape:` compute y = x**3; "
             "then tape.gradient(y, x).",
    )


def check_falling_speed(answer, t: float = 3.0, digits: int = 3):
    """``(speed, acceleration)`` at time ``t`` of an object whose position is ``4.9 * t**2``, from nested tapes
    (each to ``digits`` significant digits, or exact; tensors are accepted)."""
    hint = ("nest two tapes around position = 4.9 * time**2 with time = tf.Variable(3.0): the inner tape's "
            "gradient is the speed, the outer tape's gradient of the speed is the acceleration.")
    if answer is checks.PLACEHOLDER:
        return checks.unanswered(hint)
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        return checks.not_yet(f"give two numbers, (speed, acceleration); got {answer!r}.", hint)
    values = [a.numpy() if hasattr(a, "numpy") else a for a in answer]
    for name, value, expected in zip(("speed", "acceleration"), values, (9.8 * t, 9.8)):
        outcome = checks.check_number(value, expected, digits=digits, hint=hint)
        if not outcome:
            return checks.not_yet(f"the {name} is not right: {outcome.problem}", hint)
    return checks.correct("The speed grows by 9.8 m/s every second: that constant is the acceleration.")

# --- Notebook 06: the first example from scratch -------------------------------------


def check_kernel_shape(answer, inputs: int = 512, units: int = 10):
    """The shape of the kernel W of ``NaiveDense(inputs, units, ...)``."""
    return checks.check_shape(
        answer, (inputs, units),
        hint="inputs @ W must turn (batch, inputs) into (batch, units): W has one row per input feature.",
    )


def check_num_batches(answer, samples: int = 60000, batch_size: int = 100):
    """``BatchGenerator(...).num_batches`` for ``samples`` and ``batch_size``."""
    return checks.check_value(answer, math.ceil(samples / batch_size), hint="num_batches = ceil(n / batch_size).")


def check_sgd_update(answer, w: float = 0.5, gradient: float = 2.0, learning_rate: float = 1e-3):
    """``w`` after one update by hand."""
    return checks.check_value(answer, w - gradient * learning_rate, hint="w.assign(w - g * learning_rate).")


def check_gradient_scaling(answer):
    """By what factor do SGD's and RMSprop's steps change when every gradient is 10 times larger?"""
    return checks.check_value(
        answer, (10, 1),
        hint="SGD moves by learning_rate * g; RMSprop divides g by the square root of a running average of g**2.",
        detail="RMSprop's step size does not depend on the gradients' scale, only on their direction and consistency.",
    )


def check_weight_tensor_count(answer, layers: int = 3):
    """How many weight tensors a ``NaiveSequential`` of ``layers`` ``NaiveDense`` layers holds."""
    return checks.check_value(answer, 2 * layers,
                              hint="each NaiveDense holds two tensors: its kernel W and its bias b.")


def check_chance_accuracy(answer, classes: int = 10):
    """The accuracy of guessing uniformly at random among ``classes`` balanced classes."""
    return checks.check_value(
        answer, 1 / classes,
        hint="with balanced classes a random guess is right once in as many tries as there are classes.",
        detail="Any model worth training must beat this baseline.",
    )


# --- Chapter 6 (notebook 06): code exercises, checked against course_lib.training ---------
# These need Keras (imported inside each check, never at module import).

_UPDATE_HINT = ("for each pair `g, w` in `zip(gradients, weights)`, write `w.assign(w - g * learning_rate)`: "
                "assign changes the variable itself, and the function returns nothing.")


def check_update_weights(function):
    """``update_weights(gradients, weights, learning_rate=1e-3)`` moves each ``keras.Variable`` by ``-lr * g``."""
    from course_lib import training
    from course_lib.backend import import_keras

    if (refused := checks.not_a_function(function, _UPDATE_HINT)) is not None:
        return refused
    keras = import_keras()
    rng = np.random.default_rng(6)
    starts = [rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
    gradients = [rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
    for learning_rate in (None, 0.1):  # the default, then a given one
        weights = [keras.Variable(start) for start in starts]
        expected = [keras.Variable(start) for start in starts]
        args = (gradients, weights) if learning_rate is None else (gradients, weights, learning_rate)
        try:
            returned = function(*args)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            return checks.not_yet(f"it raised {type(error).__name__}: {error}", _UPDATE_HINT)
        training.update_weights(gradients, expected, learning_rate or training.LEARNING_RATE)
        said = "the default learning rate 1e-3" if learning_rate is None else f"learning_rate={learning_rate}"
        moved = [np.asarray(w.numpy()) - start for w, start in zip(weights, starts)]
        wanted = [np.asarray(w.numpy()) - start for w, start in zip(expected, starts)]
        if all(not m.any() for m in moved):
            more = " It returned new values: assign them to the variables instead." if returned is not None else ""
            return checks.not_yet(f"with {said} the weights did not change.{more}", _UPDATE_HINT)
        if all(np.allclose(m, -w, rtol=1e-4, atol=1e-7) for m, w in zip(moved, wanted)):
            return checks.not_yet(f"with {said} the weights moved up the gradient: subtract it.", _UPDATE_HINT)
        for index, (m, w) in enumerate(zip(moved, wanted)):
            if not np.allclose(m, w, rtol=1e-4, atol=1e-7):
                return checks.not_yet(f"with {said} weight tensor {index} moved by the wrong amount "
                                      "(check the learning rate).", _UPDATE_HINT)
    return checks.correct("Each weight took one step of plain gradient descent.")


_SHUFFLE_HINT = ("in __init__, draw `order = np.random.permutation(len(images))` and keep `images[order]` and "
                 "`labels[order]`: the same order for both, so each image keeps its label; then hand out batches "
                 "as before.")


def check_shuffled_batch_generator(generator_class, samples: int = 50, batch_size: int = 8, tries: int = 3):
    """A ``BatchGenerator(images, labels, batch_size)`` that shuffles: every sample once per generator, paired
    with its label, in batches of ``batch_size`` (the last smaller), in a new order each time."""
    if generator_class is checks.PLACEHOLDER or generator_class is None:
        return checks.unanswered(_SHUFFLE_HINT)
    if not callable(generator_class):
        return checks.not_yet(f"{generator_class!r} is not a class.", _SHUFFLE_HINT)
    images = np.arange(samples * 4, dtype="float32").reshape((samples, 4))  # row i holds 4i ... 4i + 3
    labels = np.arange(samples)
    orders = []
    for _ in range(tries):
        try:
            generator = generator_class(images.copy(), labels.copy(), batch_size)
            count = generator.num_batches
            batches = [generator.next() for _ in range(count)]
        except AttributeError as error:
            return checks.not_yet(f"your generator is missing something BatchGenerator has ({error}): set "
                                  "`num_batches`, `index` and the rest in __init__.", _SHUFFLE_HINT)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            return checks.not_yet(f"it raised {type(error).__name__}: {error}", _SHUFFLE_HINT)
        expected_count = math.ceil(samples / batch_size)
        if count != expected_count:
            return checks.not_yet(f"num_batches is {count!r} for {samples} samples in batches of {batch_size}; "
                                  f"expected {expected_count}.", _SHUFFLE_HINT)
        sizes = [len(batch_labels) for _, batch_labels in batches]
        wanted = [batch_size] * (count - 1) + [samples - batch_size * (count - 1)]
        if sizes != wanted:
            return checks.not_yet(f"the batches hold {sizes} samples; expected {wanted}.", _SHUFFLE_HINT)
        seen_images = np.concatenate([np.asarray(b[0]) for b in batches])
        seen_labels = np.concatenate([np.asarray(b[1]) for b in batches])
        if sorted(seen_labels.tolist()) != labels.tolist():
            return checks.not_yet("one pass over the batches must hand out every sample exactly once.", _SHUFFLE_HINT)
        if not np.array_equal(seen_images, images[seen_labels]):
            return checks.not_yet("images and labels were shuffled separately: an image no longer comes with its "
                                  "own label.", _SHUFFLE_HINT)
        orders.append(seen_labels.tolist())
    if all(order == labels.tolist() for order in orders):
        return checks.not_yet("the batches come in the original order: nothing was shuffled.", _SHUFFLE_HINT)
    if all(order == orders[0] for order in orders):
        return checks.not_yet(f"{tries} generators all used the same order: draw a new one each time (no fixed "
                              "seed), so each epoch sees the samples differently.", _SHUFFLE_HINT)
    return checks.correct("Every sample once per epoch, with its label, in a new order each epoch.")


_EVALUATE_HINT = ("predictions = model(images); predicted_labels = ops.argmax(predictions, axis=1); then the mean "
                  "of `ops.equal(predicted_labels, labels)` (cast to float32), returned as a Python float.")


def check_evaluate(function):
    """``evaluate(model, images, labels)`` returns the share of images whose argmax prediction is the label."""
    from course_lib import training
    from course_lib.backend import import_keras

    if (refused := checks.not_a_function(function, _EVALUATE_HINT)) is not None:
        return refused
    keras = import_keras()
    rng = np.random.default_rng(60)
    # A "model" with known answers: it returns the probabilities it is given; 3 of 4 argmaxes are right.
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1], [0.2, 0.5, 0.3]], "float32")
    cases = [(lambda images: images, probabilities, np.array([0, 2, 1, 1]), "four rows of known probabilities")]
    keras.utils.set_random_seed(6)
    model = training.NaiveSequential([training.NaiveDense(5, 4, keras.ops.softmax)])
    images = rng.normal(size=(30, 5)).astype("float32")
    cases.append((model, images, rng.integers(0, 4, size=30), "a small NaiveDense model on 30 samples"))
    for model_, images_, labels_, described in cases:
        try:
            got = function(model_, images_, labels_)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            return checks.not_yet(f"with {described} it raised {type(error).__name__}: {error}", _EVALUATE_HINT)
        if got is None:
            return checks.not_yet("your function returned None: `return` the accuracy.", _EVALUATE_HINT)
        try:
            value = float(got)
        except (TypeError, ValueError):
            return checks.not_yet(f"with {described} it returned {got!r}, not a number.", _EVALUATE_HINT)
        expected = training.evaluate(model_, images_, labels_)
        if not np.isclose(value, expected, atol=1e-6):
            return checks.not_yet(f"with {described} it returned {value:.4f}; expected {expected:.4f}.",
                                  _EVALUATE_HINT)
    return checks.correct("Accuracy is the mean of the argmax matches.")

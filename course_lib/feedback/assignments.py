"""Instant checks for the questions of the graded assignments, by concept.

Each ``check_*`` takes the learner's function (or ``...`` while unanswered) and returns a
:class:`course_lib.feedback.base.Feedback`: "Correct!" or "Not yet: ... Hint: ...". The learner
runs them while working; the assignments' graded test cells call them too, through
:func:`course_lib.feedback.base.require`, as their visible part.

These checks use a few small, fixed cases and are public. The assignments' *hidden*
tests (in the instructor sources under ``assignments/source``, removed from the student
versions) use other inputs and edge cases, so passing every check here is necessary
for full marks but not sufficient. Nothing here is copied from the hidden tests, and a
test keeps it that way.

Questions that set rules ("with loops", "one operation, no loop", "apply the rule
yourself", and everywhere "write it yourself" rather than import the course's own code)
declare them as :class:`course_lib.feedback.rules.Rules`. Once a function gives the right
results its code is read for what it uses, and a broken rule gets its own message ("this
question asks for loops; `np.maximum` does the work for you"); the graded tests then give
that question 0, since they start with the same check.

The checks work in the chapter notebooks too: any function written there under the
same name and signature can be passed in.

Introduced in the assignments (``assignments/release``) and in notebook 03, which checks its own loops with them.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import geometry
from course_lib.feedback import base as checks
from course_lib.feedback import exercises, rules
from course_lib.feedback.rules import Rules

#: The rules of each question, by the name of the function it asks for.
RULES = {
    "naive_relu": rules.LOOPS,
    "naive_add": rules.LOOPS,
    "naive_matrix_product": rules.LOOPS,
    "broadcast_shape": Rules("this question asks you to apply the broadcasting rule yourself", numpy=(),
                             forbidden=("numpy.broadcast_shapes", "numpy.broadcast", "numpy.broadcast_arrays",
                                        "numpy.broadcast_to")),
    "product_shape": Rules("this question asks you to apply the shape rule yourself", numpy=()),
    "translate_points": Rules("this question asks for one operation on all the points at once, without a loop",
                              loops=rules.FORBIDDEN),
    "rotation_matrix": rules.OWN_WORK,
    "rotate_points": Rules("this question asks for one operation on all the points at once, without a loop",
                           loops=rules.FORBIDDEN, uses=("rotation_matrix",)),
    "scaling_matrix": rules.OWN_WORK,
    "relu_fold": Rules("this question asks for operations on all the points at once, without a loop",
                       loops=rules.FORBIDDEN),
    "collapse_layers": rules.OWN_WORK,
    "derivative": rules.OWN_WORK,
    "steps_to_minimum": rules.OWN_WORK,
    "momentum_descent": rules.OWN_WORK,
    "backward_pass": rules.OWN_WORK,
    "one_training_step": rules.OWN_WORK,
}

# --- Tensors, slicing and batches (assignment 1) ------------------------------------


def check_tensor_facts(function):
    """``tensor_facts(x)`` returns ``(rank, shape, dtype name)`` of the array ``x``."""
    cases = [(np.zeros((2, 3), dtype="float32"),), (np.array(7),)]
    return checks.check_cases(
        function, cases, lambda x: (x.ndim, x.shape, x.dtype.name),
        hint="NumPy arrays carry all three: `x.ndim`, `x.shape` and `x.dtype.name` (a string such as 'uint8').",
    )


def check_centre_crop(function):
    """``centre_crop(images, size)`` keeps the central ``size`` x ``size`` patch of every image."""
    hint = ("for an image of height H the crop starts at row (H - size) // 2 and has `size` rows; do the "
            "same for the columns with the width W. Keep axis 0 whole: images[:, top:top + size, left:left + size].")
    images = np.arange(2 * 28 * 28).reshape(2, 28, 28)
    outcome = checks.check_function(function, lambda x, s: x[:, 7:-7, 7:-7], [(images, 14)], hint=hint)
    if not outcome:
        return outcome
    return checks.check_raises(
        function, [(images, 30)],
        hint="a crop larger than the image cannot be taken: raise ValueError with a message that says so.",
        detail="For 28 x 28 digits and size 14 that is the chapter's images[:, 7:-7, 7:-7].",
    )


def check_get_batch(function):
    """``get_batch(samples, batch_size, n)`` returns batch number ``n`` (counting from 0)."""
    samples = np.arange(10)
    return checks.check_function(
        function, lambda x, size, n: x[size * n: size * (n + 1)], [(samples, 3, 0), (samples, 3, 1)],
        hint="batch n starts at sample batch_size * n and stops just before batch_size * (n + 1).",
    )


def check_count_batches(function):
    """``count_batches(num_samples, batch_size)``: how many batches one pass over the data takes."""
    return checks.check_cases(
        function, [(60000, 128), (6, 3)], lambda n, size: math.ceil(n / size),
        hint="every sample must land in a batch, and the last batch may be smaller: round the division up.",
        detail="60,000 MNIST images in batches of 128 take 469 steps per epoch.",
    )


# --- Tensor operations (assignment 2) ------------------------------------------------


def check_naive_relu(function):
    """``naive_relu(x)`` for a matrix, with loops, leaving ``x`` unchanged."""
    hint = "copy x first (x = x.copy()), then loop over rows i and columns j and set x[i, j] = max(x[i, j], 0)."
    x = np.array([[1.0, -2.0, 0.0], [-0.5, 3.0, -4.0]])
    outcome = checks.check_function(function, lambda a: np.maximum(a, 0), [(x,)], hint=hint)
    if not outcome:
        return outcome
    original = x.copy()
    try:
        function(x)
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        return checks.not_yet(f"it raised {type(error).__name__}: {error}", hint)
    if not np.array_equal(x, original):
        return checks.not_yet("the result is right, but your function changed its input x.", hint)
    return rules.with_rules(outcome, function, RULES["naive_relu"], (original,), hint=hint)


def check_naive_add(function):
    """``naive_add(x, y)`` for two matrices of the same shape, with loops."""
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[10.0, 20.0], [30.0, 40.0]])
    hint = "copy x, then loop over rows i and columns j and add y[i, j] to x[i, j]."
    outcome = checks.check_function(function, np.add, [(x, y)], hint=hint)
    if not outcome:
        return outcome
    outcome = checks.check_raises(
        function, [(x, np.ones((3, 2)))],
        hint="element-wise addition needs equal shapes: compare x.shape with y.shape and raise ValueError.",
    )
    return rules.with_rules(outcome, function, RULES["naive_add"], (x, y), hint=hint)


def check_naive_matrix_product(function):
    """``naive_matrix_product(x, y)`` for matrices of shapes ``(a, b)`` and ``(b, c)``, with loops."""
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]])
    hint = ("z has shape (x.shape[0], y.shape[1]); entry z[i, j] is the dot product of row i of x with column j "
            "of y: a third loop over k adds up x[i, k] * y[k, j].")
    outcome = checks.check_function(function, np.matmul, [(x, y)], hint=hint)
    if not outcome:
        return outcome
    outcome = checks.check_raises(
        function, [(x, x)],
        hint="x.shape[1] must equal y.shape[0]; raise ValueError naming both shapes when it does not.",
    )
    return rules.with_rules(outcome, function, RULES["naive_matrix_product"], (x, y), hint=hint)


def check_broadcast_shape(function):
    """``broadcast_shape(x_shape, y_shape)``: the shape of ``x + y`` under broadcasting."""
    hint = ("line the shapes up from the right; pad the shorter one with 1s on the left; on each axis the sizes "
            "must be equal or one of them 1, and the result takes the larger. Otherwise raise ValueError.")
    outcome = checks.check_cases(
        function, [((32, 10), (10,)), ((64, 3, 32, 10), (32, 10))],
        lambda a, b: np.broadcast_shapes(a, b), hint=hint,
    )
    if not outcome:
        return outcome
    outcome = checks.check_raises(function, [((32, 10), (32,))], hint=hint)
    return rules.with_rules(outcome, function, RULES["broadcast_shape"], hint=hint)


def check_product_shape(function):
    """``product_shape(x_shape, y_shape)``: the shape of the tensor product ``x @ y`` (y of rank 1 or 2)."""
    hint = ("the last axis of x meets the first axis of y: they must be equal (else raise ValueError) and both "
            "disappear; the other axes stay, x's first.")
    outcome = checks.check_cases(
        function, [((2, 3), (3, 4)), ((5, 4), (4,))],
        lambda a, b: tuple(a[:-1]) + tuple(b[1:]), hint=hint,
    )
    if not outcome:
        return outcome
    outcome = checks.check_raises(function, [((2, 3), (2, 3))], hint=hint)
    return rules.with_rules(outcome, function, RULES["product_shape"], hint=hint)


# --- Geometry (assignment 3) --------------------------------------------------------

_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])


def check_translate_points(function):
    """``translate_points(points, b)``: move every row of ``points`` by the vector ``b``, without a loop."""
    hint = ("points has shape (n, 2) and b shape (2,): `points + b` adds b to every row, because b is broadcast "
            "along the rows.")
    outcome = checks.check_function(function, lambda p, b: p + b, [(_SQUARE, np.array([0.5, -2.0]))], hint=hint,
                                    detail="Adding a vector is a translation: every point moves the same way.")
    return rules.with_rules(outcome, function, RULES["translate_points"], hint=hint)


def check_rotation_matrix(function):
    """``rotation_matrix(degrees)``: the 2 x 2 matrix rotating points counter-clockwise."""
    hint = ("convert degrees to radians (np.radians), then [[cos t, -sin t], [sin t, cos t]]. "
            "The 90-degree rotation sends [1, 0] to [0, 1].")
    outcome = checks.check_function(function, geometry.rotation_matrix, [(90,), (0,)], hint=hint)
    return rules.with_rules(outcome, function, RULES["rotation_matrix"], hint=hint)


def check_rotate_points(function):
    """``rotate_points(points, degrees)``: rotate every row of the ``(n, 2)`` array ``points``."""
    hint = "each point is a row p, and its image is R @ p; for all rows at once that is points @ R.T."
    outcome = checks.check_function(function, lambda p, d: p @ geometry.rotation_matrix(d).T, [(_SQUARE, 90)],
                                    hint=hint)
    return rules.with_rules(outcome, function, RULES["rotate_points"], hint=hint)


def check_scaling_matrix(function):
    """``scaling_matrix(sx, sy)``: the 2 x 2 matrix that multiplies x by ``sx`` and y by ``sy``."""
    hint = ("a scaling matrix is diagonal: sx top-left, sy bottom-right, zeros elsewhere. It sends [1, 0] to "
            "[sx, 0] and [0, 1] to [0, sy].")
    outcome = checks.check_function(function, geometry.scaling_matrix, [(2, 0.5), (-1, 1)], hint=hint,
                                    detail="A negative factor mirrors the plane as well as stretching it.")
    return rules.with_rules(outcome, function, RULES["scaling_matrix"], hint=hint)


def check_relu_fold(function):
    """``relu_fold(points)`` returns ``(folded, moved)``: relu of every coordinate, and which points it moved."""
    hint = ("np.maximum(points, 0) sets every negative coordinate to 0; a point moved when any of its coordinates "
            "was negative: (points < 0).any(axis=1).")
    if (refused := checks.not_a_function(function, hint)) is not None:
        return refused
    points = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -3.0], [-2.0, -2.0], [0.0, 0.0]])
    try:
        result = function(points.copy())
    except NotImplementedError:
        return checks.not_written(hint)
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        return checks.not_yet(f"it raised {type(error).__name__}: {error}", hint)
    try:
        folded, moved = result
    except (TypeError, ValueError):
        return checks.not_yet(f"it returned {_short(result)}; return the pair (folded, moved).", hint)
    outcome = checks.check_array(folded, geometry.relu(points), hint=hint)
    if not outcome:
        return checks.not_yet(f"the folded points are not right: {outcome.problem}", hint)
    expected_moved = (points < 0).any(axis=1)
    if np.shape(moved) != expected_moved.shape or not np.array_equal(np.asarray(moved, dtype=bool), expected_moved):
        return checks.not_yet(f"the folded points are right, but `moved` is {_short(moved)}; expected one True or "
                              f"False per point: {expected_moved.tolist()}.", hint)
    outcome = checks.correct("relu folds the plane: every point with a negative coordinate lands on an axis or "
                             "on the origin, and different points can land on the same one.")
    return rules.with_rules(outcome, function, RULES["relu_fold"], hint=hint)


def check_collapse_layers(function):
    """``collapse_layers(W1, b1, W2, b2)`` returns the one affine layer ``(W, b)`` equal to both."""
    hint = "W2 @ (W1 @ x + b1) + b2 = (W2 @ W1) @ x + (W2 @ b1 + b2): mind the order of the product."
    W1, b1 = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([1.0, -1.0])
    W2, b2 = np.array([[0.0, 1.0], [3.0, 0.0]]), np.array([0.5, 0.0])
    if function is checks.PLACEHOLDER or function is None:
        return checks.unanswered(hint)
    try:
        W, b = function(W1.copy(), b1.copy(), W2.copy(), b2.copy())
    except NotImplementedError:
        return checks.not_written(hint)
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        return checks.not_yet(f"it raised {type(error).__name__}: {error} (return the pair W, b).", hint)
    outcome = exercises.check_collapsed_layers(W, b, W1, b1, W2, b2)
    return rules.with_rules(outcome, function, RULES["collapse_layers"], hint=hint)


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- Gradients and training (assignment 4) -------------------------------------------


def check_derivative(function):
    """``derivative(x)`` of ``f(x) = 2 * x**3 - 5 * x + 1``, worked out by hand."""
    hint = "differentiate term by term: x**n becomes n * x**(n - 1), a * x becomes a, a constant becomes 0."
    outcome = checks.check_function(function, lambda x: 6 * x ** 2 - 5, [(0.0,), (1.0,)], hint=hint)
    return rules.with_rules(outcome, function, RULES["derivative"], hint=hint)


def _steps_to_minimum(learning_rate, w0, tolerance, max_steps):
    """The reference for :func:`check_steps_to_minimum`: descent on w**2, counted step by step."""
    w = w0
    for step in range(max_steps + 1):
        if abs(w) < tolerance:
            return step
        w = w - learning_rate * 2 * w
    return None


def check_steps_to_minimum(function):
    """``steps_to_minimum(learning_rate, w0, tolerance, max_steps)``: steps of descent on ``w**2`` until
    ``|w| < tolerance``, or None when ``max_steps`` steps are not enough."""
    hint = ("start from w = w0 and count: while abs(w) is not below the tolerance, do w = w - learning_rate * 2 * w "
            "and add 1 to the count; give up with None after max_steps steps. (If w0 is already close, that is 0 "
            "steps.)")
    cases = [(0.25, 3.0, 0.01, 1000), (0.01, 3.0, 0.01, 1000), (1.1, 3.0, 0.01, 1000), (0.4, 0.001, 0.01, 1000)]
    outcome = checks.check_cases(
        function, cases, _steps_to_minimum, hint=hint,
        detail="A learning rate of 0.01 needs 283 steps where 0.25 needs 9: too small is slow. Above 1, every step "
               "overshoots further than the last and the descent never arrives: too large diverges.",
    )
    return rules.with_rules(outcome, function, RULES["steps_to_minimum"], hint=hint)


def _momentum_descent(gradient, w0, learning_rate, momentum, steps):
    """The reference for :func:`check_momentum_descent`: the book's naive momentum update."""
    w, past_velocity = w0, 0.0
    for _ in range(steps):
        g = gradient(w)
        velocity = past_velocity * momentum - learning_rate * g
        w = w + momentum * velocity - learning_rate * g
        past_velocity = velocity
    return w


def check_momentum_descent(function):
    """``momentum_descent(gradient, w0, learning_rate, momentum, steps)``: the final w of descent with momentum."""
    from course_lib import optimization

    hint = ("keep a velocity that starts at 0; at each step g = gradient(w), velocity = velocity * momentum - "
            "learning_rate * g, then w = w + momentum * velocity - learning_rate * g. Return w after all the steps.")
    well = optimization.double_well_gradient
    cases = [(well, 2.0, 0.02, 0.9, 100), (well, 2.0, 0.02, 0.0, 100)]
    outcome = checks.check_cases(
        function, cases, _momentum_descent, hint=hint,
        detail="On the double well, plain descent from 2 stops in the local minimum near 1.13; with momentum 0.9 "
               "the descent rolls through it into the deeper minimum near -1.30.",
    )
    return rules.with_rules(outcome, function, RULES["momentum_descent"], hint=hint)


def check_backward_pass(function):
    """``backward_pass(x, w, b, y_true)`` returns ``(grad_w, grad_b)`` for ``loss = |y_true - (w * x + b)|``."""
    from course_lib import graph

    def reference(x, w, b, y_true):
        grads = graph.curriculum_example(x=x, w=w, b=b, y_true=y_true).backward()
        return grads["w"], grads["b"]

    hint = ("walk back from the loss: d loss / d x2 is +1 when the prediction x2 = w * x + b is above y_true "
            "and -1 when below; d x2 / d b = 1; d x2 / d w = x. Multiply along the path.")
    outcome = checks.check_cases(function, [(2.0, 3.0, 1.0, 4.0), (2.0, 3.0, 1.0, 10.0)], reference, hint=hint)
    return rules.with_rules(outcome, function, RULES["backward_pass"], hint=hint)


def check_one_training_step(function):
    """``one_training_step(model, images_batch, labels_batch)``: one step of plain gradient descent.

    Compares the learner's step with :func:`course_lib.training.one_training_step` on two
    identical small ``NaiveSequential`` models: the returned loss and every weight after
    the step must match.
    """
    hint = ("inside `with tf.GradientTape() as tape:` run the model and take the mean sparse categorical "
            "crossentropy; then tape.gradient(loss, model.weights); then w.assign_sub(g * 1e-3) for each pair; "
            "return the loss.")
    if (refused := checks.not_a_function(function, hint)) is not None:
        return refused
    from course_lib import training
    from course_lib.backend import import_keras, import_tensorflow

    tf = import_tensorflow()
    rng = np.random.default_rng(0)
    images = rng.random((6, 12)).astype("float32")
    labels = rng.integers(0, 4, size=6)
    models = []
    for _ in range(2):
        import_keras().utils.set_random_seed(0)  # the layers draw their weights with Keras's seeded initializers
        models.append(training.NaiveSequential([
            training.NaiveDense(12, 5, tf.nn.relu), training.NaiveDense(5, 4, tf.nn.softmax)]))
    learner_model, reference_model = models
    try:
        loss = function(learner_model, tf.constant(images), tf.constant(labels))
    except NotImplementedError:
        return checks.not_written(hint)
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        return checks.not_yet(f"it raised {type(error).__name__}: {error}", hint)
    want = training.one_training_step(reference_model, tf.constant(images), tf.constant(labels))
    try:
        loss_value = float(loss)
    except (TypeError, ValueError):
        return checks.not_yet(f"it returned {loss!r}; return the batch's average loss.", hint)
    if not np.isclose(loss_value, float(want), rtol=1e-5):
        return checks.not_yet(f"the returned loss is {loss_value:.5f}; expected {float(want):.5f}.", hint)
    for index, (got, expected) in enumerate(zip(learner_model.weights, reference_model.weights)):
        if not np.allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-8):
            return checks.not_yet(f"the loss is right, but weight tensor {index} was not updated as "
                                  "w - 1e-3 * gradient.", hint)
    outcome = checks.correct("Loss and every updated weight match the reference step.")
    return rules.with_rules(outcome, function, RULES["one_training_step"], hint=hint)

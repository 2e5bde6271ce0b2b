"""The assignments' learner checks: right answers pass, typical mistakes get a hint, stubs are unanswered,
and every shortcut a question's rules forbid gets a kind message (the graded tests then give 0)."""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib import geometry, graph, naive_ops, optimization
from course_lib.feedback import assignments as check
from course_lib.feedback.rules import Rules

SOURCES = sorted((Path(__file__).resolve().parents[2] / "assignments" / "source").glob("*/*.ipynb"))


def _stub(*args):
    raise NotImplementedError()


def _crop(images, size):
    height, width = images.shape[1:3]
    if not 1 <= size <= min(height, width):
        raise ValueError("does not fit")
    top, left = (height - size) // 2, (width - size) // 2
    return images[:, top:top + size, left:left + size]


def _relu(x):
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x


def _add(x, y):
    if x.shape != y.shape:
        raise ValueError("shapes differ")
    z = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i, j] += y[i, j]
    return z


def _matmul(x, y):
    if x.shape[1] != y.shape[0]:
        raise ValueError("inner sizes differ")
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = sum(x[i, k] * y[k, j] for k in range(x.shape[1]))
    return z


def _broadcast(a, b):
    rank = max(len(a), len(b))
    a, b = (1,) * (rank - len(a)) + tuple(a), (1,) * (rank - len(b)) + tuple(b)
    if any(p != q and 1 not in (p, q) for p, q in zip(a, b)):
        raise ValueError("shapes clash")
    return tuple(max(p, q) for p, q in zip(a, b))


def _rotation(degrees):
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def _steps(learning_rate, w0, tolerance, max_steps):
    w = w0
    for n in range(max_steps + 1):
        if abs(w) < tolerance:
            return n
        w *= 1 - 2 * learning_rate
    return None


def _momentum(gradient, w0, learning_rate, momentum, steps):
    w, velocity = w0, 0.0
    for _ in range(steps):
        g = gradient(w)
        velocity = momentum * velocity - learning_rate * g
        w += momentum * velocity - learning_rate * g
    return w


def _product(a, b):
    if a[-1] != b[0]:
        raise ValueError("inner sizes differ")
    return tuple(a[:-1]) + tuple(b[1:])


def _backward(x, w, b, y_true):
    sign = 1.0 if w * x + b > y_true else -1.0
    return sign * x, sign


RIGHT_AND_WRONG = [
    (check.check_tensor_facts, lambda x: (x.ndim, x.shape, x.dtype.name), lambda x: (x.ndim, x.size, x.dtype.name),
     "returned (2, 6, 'float32'); expected (2, (2, 3), 'float32')"),
    (check.check_centre_crop, _crop, lambda images, size: images[:, :size, :size], "values differ"),
    (check.check_get_batch, lambda x, size, n: x[size * n:size * (n + 1)], lambda x, size, n: x[n:n + size],
     "values differ"),
    (check.check_count_batches, lambda n, size: -(-n // size), lambda n, size: n // size, "expected 469"),
    (check.check_naive_relu, _relu, lambda x: np.abs(x), "values differ"),
    (check.check_naive_add, _add, lambda x, y: x + y[:len(x)], "instead of raising a ValueError"),
    (check.check_naive_matrix_product, _matmul, lambda x, y: x @ y + 1, "values differ"),
    (check.check_broadcast_shape, _broadcast, lambda a, b: b, "expected (32, 10)"),
    (check.check_product_shape, _product, lambda a, b: tuple(a) + tuple(b[1:]), "expected (2, 4)"),
    (check.check_translate_points, lambda p, b: p + b, lambda p, b: p - b, "values differ"),
    (check.check_rotation_matrix, _rotation, lambda d: _rotation(-d), "values differ"),
    (check.check_rotate_points, lambda p, d: p @ _rotation(d).T, lambda p, d: p @ _rotation(d), "values differ"),
    (check.check_scaling_matrix, lambda sx, sy: np.diag([sx, sy]), lambda sx, sy: np.array([[sx, sy], [0, 0]]),
     "values differ"),
    (check.check_relu_fold, lambda p: (np.maximum(p, 0), (p < 0).any(axis=1)),
     lambda p: (np.maximum(p, 0), (p < 0).all(axis=1)), "`moved` is"),
    (check.check_collapse_layers, lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1 + b2),
     lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2), "W is not right"),
    (check.check_derivative, lambda x: 6 * x ** 2 - 5, lambda x: 2 * x ** 3 - 5 * x + 1, "values differ"),
    (check.check_steps_to_minimum, _steps, lambda lr, w0, tol, most: 0, "expected 9"),
    (check.check_momentum_descent, _momentum, lambda g, w0, lr, m, n: w0 - lr * g(w0), "expected -1.30"),
    (check.check_backward_pass, _backward, lambda x, w, b, y_true: (x, 1.0), "expected (-2.0, -1.0)"),
]


@pytest.mark.parametrize("checker, right, wrong, problem", RIGHT_AND_WRONG,
                         ids=[row[0].__name__ for row in RIGHT_AND_WRONG])
def test_right_passes_wrong_gets_a_hint_stub_is_unanswered(checker, right, wrong, problem):
    assert checker(right), checker(right).message
    outcome = checker(wrong)
    assert not outcome
    assert problem in outcome.message and "Hint:" in outcome.message, outcome.message
    assert checker(_stub).message.startswith("Not answered yet")
    assert checker(...).message.startswith("Not answered yet")


def test_centre_crop_must_refuse_a_crop_larger_than_the_image():
    outcome = check.check_centre_crop(lambda images, size: images[:, 7:-7, 7:-7])
    assert not outcome and "instead of raising a ValueError" in outcome.message


def test_naive_relu_must_not_change_its_input():
    def in_place(x):
        np.maximum(x, 0, out=x)
        return x

    outcome = check.check_naive_relu(in_place)
    assert not outcome and "changed its input" in outcome.message


def test_broadcast_and_product_shapes_must_refuse_clashes():
    lenient = check.check_broadcast_shape(lambda a, b: _broadcast(a, b) if b != (32,) else (32, 32))
    assert "instead of raising" in lenient.message
    assert "instead of raising" in check.check_product_shape(lambda a, b: tuple(a[:-1]) + tuple(b[1:])).message


def test_collapse_layers_reports_an_unpackable_result():
    assert "return the pair W, b" in check.check_collapse_layers(lambda *a: 5).message


def test_relu_fold_reports_its_parts():
    assert "return the pair (folded, moved)" in check.check_relu_fold(lambda p: np.maximum(p, 0)).message
    assert "return the pair (folded, moved)" in check.check_relu_fold(lambda p: 5).message
    assert "the folded points are not right" in check.check_relu_fold(lambda p: (p, (p < 0).any(axis=1))).message
    assert "raised ZeroDivisionError" in check.check_relu_fold(lambda p: 1 / 0).message
    assert check.check_relu_fold(_stub).message.startswith("Not answered yet")


def test_steps_to_minimum_tells_too_small_from_too_large():
    assert _steps(0.01, 3.0, 0.01, 1000) > 200 and _steps(1.1, 3.0, 0.01, 1000) is None
    assert "283 steps" in check.check_steps_to_minimum(_steps).message
    always = check.check_steps_to_minimum(lambda lr, w0, tol, most: _steps(lr, w0, tol, most) or 0)
    assert "with 1.1, 3.0, 0.01, 1000 it returned 0; expected None" in always.message


# --- the rules: each shortcut gets 0 with a kind message, honest answers are unaffected ------


def _relu_np(x):
    return np.maximum(x, 0)


def _matmul_dot(x, y):
    if x.shape[1] != y.shape[0]:
        raise ValueError("inner sizes differ")
    return np.dot(x, y)


def _matmul_matmul(x, y):
    if x.shape[1] != y.shape[0]:
        raise ValueError("inner sizes differ")
    return np.matmul(x, y)


def _matmul_einsum(x, y):
    if x.shape[1] != y.shape[0]:
        raise ValueError("inner sizes differ")
    return np.einsum("ik,kj->ij", x, y)


def _matmul_operator(x, y):
    if x.shape[1] != y.shape[0]:
        raise ValueError("inner sizes differ")
    return x @ y


def _add_operator(x, y):
    if x.shape != y.shape:
        raise ValueError("shapes differ")
    return x + y


def _broadcast_numpy(a, b):
    return np.broadcast_shapes(a, b)  # raises ValueError on a clash


def _broadcast_object(a, b):
    return np.broadcast(np.empty(a), np.empty(b)).shape


def _product_numpy(a, b):
    return (np.empty(a) @ np.empty(b)).shape


def _backward_course(x, w, b, y_true):
    grads = graph.curriculum_example(x=x, w=w, b=b, y_true=y_true).backward()
    return grads["w"], grads["b"]


def _momentum_course(gradient, w0, learning_rate, momentum, steps):
    return float(optimization.momentum_descent(lambda w: 0.0, gradient, w0, learning_rate=learning_rate,
                                               momentum=momentum, steps=steps).final)


def _rotate_loop(points, degrees):
    R = _rotation(degrees)
    return np.array([R @ p for p in points])


def _translate_loop(points, b):
    moved = points.copy()
    for i in range(len(points)):
        moved[i] += b
    return moved


def _rotation_imported(degrees):
    from course_lib.geometry import rotation_matrix

    return rotation_matrix(degrees)


SHORTCUTS = [
    (check.check_naive_relu, _relu_np, "this question asks for loops; `np.maximum` does the work for you."),
    (check.check_naive_relu, naive_ops.naive_relu, "your function is the course's own code"),
    (check.check_naive_add, _add_operator, "this question asks for loops; `x + y` works on whole arrays"),
    (check.check_naive_matrix_product, _matmul_operator, "this question asks for loops; `x @ y` works on whole"),
    (check.check_naive_matrix_product, _matmul_dot, "this question asks for loops; `np.dot` does the work for you."),
    (check.check_naive_matrix_product, _matmul_matmul, "`np.matmul` does the work for you."),
    (check.check_naive_matrix_product, _matmul_einsum, "`np.einsum` does the work for you."),
    (check.check_broadcast_shape, _broadcast_numpy,
     "this question asks you to apply the broadcasting rule yourself; `np.broadcast_shapes` does the work for you."),
    (check.check_broadcast_shape, _broadcast_object, "`np.broadcast` does the work for you."),
    (check.check_product_shape, _product_numpy, "this question asks you to apply the shape rule yourself; "
                                                "`np.empty` does the work for you."),
    (check.check_translate_points, _translate_loop, "without a loop; your code uses a `for` loop"),
    (check.check_translate_points, geometry.translate, "the course's own code (`course_lib.geometry.translate`)"),
    (check.check_rotation_matrix, geometry.rotation_matrix,
     "your function is the course's own code (`course_lib.geometry.rotation_matrix`)"),
    (check.check_rotation_matrix, _rotation_imported,
     "`from course_lib.geometry import rotation_matrix` brings in the course's own code"),
    (check.check_rotate_points, _rotate_loop, "without a loop; your code uses a list comprehension"),
    (check.check_rotate_points, lambda p, d: p @ geometry.rotation_matrix(d).T,
     "`geometry.rotation_matrix` is the course's own code"),
    (check.check_scaling_matrix, geometry.scaling_matrix, "the course's own code"),
    (check.check_relu_fold, lambda p: (geometry.relu(p), (p < 0).any(axis=1)), "`geometry.relu` is the course's"),
    (check.check_collapse_layers, geometry.compose_affine, "the course's own code"),
    (check.check_collapse_layers, lambda W1, b1, W2, b2: geometry.compose_affine(W1, b1, W2, b2),
     "`geometry.compose_affine` is the course's own code"),
    (check.check_momentum_descent, _momentum_course, "`optimization.momentum_descent` is the course's own code"),
    (check.check_backward_pass, _backward_course, "`graph.curriculum_example` is the course's own code"),
]


@pytest.mark.parametrize("checker, shortcut, named", SHORTCUTS,
                         ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(SHORTCUTS)])
def test_every_shortcut_is_refused_kindly(checker, shortcut, named):
    outcome = checker(shortcut)
    assert not outcome and outcome.message.startswith("Not yet: your answer gives the right results, but "), \
        outcome.message
    assert named in outcome.message and "Hint:" in outcome.message, outcome.message


def test_every_rule_belongs_to_a_question_and_its_graded_test_starts_with_the_check():
    """The graded tests give 0 for a broken rule because they call the check first, via `require`."""
    asked = {}
    for path in SOURCES:
        for cell in nbformat.read(path, 4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                name = re.search(r"^def (\w+)\(", cell.source, re.M).group(1)
                asked[name] = path.stem
            if meta.get("grade"):
                code = [line for line in cell.source.split("### BEGIN HIDDEN TESTS")[0].splitlines()
                        if line.strip() and not line.startswith(("#", "import ", "from "))]
                name = meta["grade_id"].split("_", 1)[1].removesuffix("_tests")
                assert code == [f"require(check.check_{name}({name}))"], (path.stem, code)
    ruled = {name: where for name, where in asked.items() if where != "a1_tensors"}
    assert set(check.RULES) == set(ruled)
    assert all(isinstance(rule, Rules) for rule in check.RULES.values())


def _training_step(model, images_batch, labels_batch):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels_batch, model(images_batch)))
    for gradient, weight in zip(tape.gradient(loss, model.weights), model.weights):
        weight.assign_sub(gradient * 1e-3)
    return loss


@pytest.mark.keras
def test_one_training_step_against_the_reference():
    from course_lib import training

    assert check.check_one_training_step(_training_step)
    borrowed = check.check_one_training_step(training.one_training_step)
    assert not borrowed and "the course's own code (`course_lib.training.one_training_step`)" in borrowed.message
    wrapped = check.check_one_training_step(lambda m, x, y: training.one_training_step(m, x, y))
    assert "`training.one_training_step` is the course's own code" in wrapped.message

    def too_fast(model, images, labels):
        return training.one_training_step(model, images, labels,
                                          update=lambda g, w: training.update_weights(g, w, learning_rate=1e-2))

    outcome = check.check_one_training_step(too_fast)
    assert not outcome and "weight tensor 0 was not updated" in outcome.message

    def no_update(model, images, labels):
        return training.one_training_step(model, images, labels, update=lambda g, w: None)

    assert "was not updated" in check.check_one_training_step(no_update).message
    assert "expected" in check.check_one_training_step(lambda m, x, y: 0.0).message
    assert "return the batch's average loss" in check.check_one_training_step(lambda m, x, y: "loss").message
    assert check.check_one_training_step(_stub).message.startswith("Not answered yet")
    assert "raised ZeroDivisionError" in check.check_one_training_step(lambda m, x, y: 1 / 0).message

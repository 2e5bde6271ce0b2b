"""The assignments' learner checks: right answers pass, typical mistakes get a hint, stubs are unanswered."""

import numpy as np
import pytest

from course_lib import geometry
from course_lib.feedback import assignments as check


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
    return x + y


def _matmul(x, y):
    if x.shape[1] != y.shape[0]:
        raise ValueError("inner sizes differ")
    return x @ y


def _broadcast(a, b):
    return np.broadcast_shapes(a, b)  # raises ValueError on a clash


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
    (check.check_rotation_matrix, geometry.rotation_matrix, lambda d: geometry.rotation_matrix(-d), "values differ"),
    (check.check_rotate_points, lambda p, d: p @ geometry.rotation_matrix(d).T,
     lambda p, d: p @ geometry.rotation_matrix(d), "values differ"),
    (check.check_collapse_layers, lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1 + b2),
     lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2), "W is not right"),
    (check.check_derivative, lambda x: 6 * x ** 2 - 5, lambda x: 2 * x ** 3 - 5 * x + 1, "values differ"),
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
    lenient = check.check_broadcast_shape(lambda a, b: np.broadcast_shapes(a, b) if b != (32,) else (32, 32))
    assert "instead of raising" in lenient.message
    assert "instead of raising" in check.check_product_shape(lambda a, b: tuple(a[:-1]) + tuple(b[1:])).message


def test_collapse_layers_reports_an_unpackable_result():
    assert "return the pair W, b" in check.check_collapse_layers(lambda *a: 5).message


@pytest.mark.keras
def test_one_training_step_against_the_reference():
    from course_lib import training

    assert check.check_one_training_step(training.one_training_step)

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

"""The one validator per kind of input, and the public functions that rely on it."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import geometry, graph, optimization, training
from course_lib.validation import as_finite_array, as_finite_number, as_whole_number


@pytest.mark.parametrize("value", [3, 2.5, np.float32(0.25), np.int64(-4), 0])
def test_finite_numbers_pass_as_floats(value):
    result = as_finite_number(value, "x")
    assert isinstance(result, float) and result == float(value)


@pytest.mark.parametrize("value, words", [
    ("0.1", "x must be a finite number; got '0.1'"), (True, "got True"), (None, "got None"),
    (float("nan"), "got nan"), (math.inf, "got inf"), ([1.0], "got [1.0]"), (1 + 2j, "got (1+2j)"),
])
def test_anything_else_is_refused_naming_the_argument(value, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        as_finite_number(value, "x")


def test_number_bounds_are_said_in_words():
    with pytest.raises(ValueError, match=re.escape("a must be a number from 0 up to (not including) 1; got 1")):
        as_finite_number(1, "a", minimum=0, maximum=1, below=True)
    with pytest.raises(ValueError, match=re.escape("lr must be a positive, finite number; got 0")):
        as_finite_number(0, "lr", positive=True)
    assert as_finite_number(1, "a", minimum=0, maximum=1) == 1.0


@pytest.mark.parametrize("value, expected", [(10, 10), (10.0, 10), (np.int32(3), 3), (0, 0)])
def test_whole_numbers_pass_as_ints(value, expected):
    result = as_whole_number(value, "steps", minimum=0)
    assert type(result) is int and result == expected


@pytest.mark.parametrize("value", ["10", 2.5, True, float("nan"), math.inf, None, [3], -1])
def test_not_whole_numbers_are_refused(value):
    with pytest.raises(ValueError, match=r"^steps must be a whole number of at least 0; got "):
        as_whole_number(value, "steps", minimum=0)


def test_arrays_are_checked_for_shape_and_finiteness():
    np.testing.assert_array_equal(as_finite_array([[1, 2]], "p", (None, 2)), [[1.0, 2.0]])
    with pytest.raises(ValueError, match=re.escape("p must have shape (n, 2); got shape (2, 3)")):
        as_finite_array(np.zeros((2, 3)), "p", (None, 2))
    with pytest.raises(ValueError, match=re.escape("v must be a pair, shape (2,); got shape (3,)")):
        as_finite_array([1, 2, 3], "v", (2,), what="a pair")
    with pytest.raises(ValueError, match="v must hold finite numbers"):
        as_finite_array([1, np.nan], "v", (2,))
    with pytest.raises(ValueError, match="v must hold numbers"):
        as_finite_array(["a", "b"], "v")
    with pytest.raises(ValueError, match="v must hold numbers"):
        as_finite_array([[1, 2], [3]], "v")  # ragged


def test_a_huge_bad_value_is_quoted_short():
    with pytest.raises(ValueError) as error:
        as_finite_number("9" * 5000, "x")
    assert len(str(error.value)) < 150


@given(st.one_of(st.text(max_size=5), st.booleans(), st.none(), st.floats(allow_nan=True, allow_infinity=True),
                 st.lists(st.integers(), max_size=3)))
def test_validators_raise_value_error_or_return_never_anything_else(value):
    for validate in (lambda v: as_finite_number(v, "v"), lambda v: as_whole_number(v, "v"),
                     lambda v: as_finite_array(v, "v", (2,))):
        try:
            validate(value)
        except ValueError as error:
            assert str(error).startswith("v must ")


# The topic modules use the validators: the same kind of ValueError, naming the argument.
@pytest.mark.parametrize("call, name", [
    (lambda: optimization.gradient_descent(lambda w: w, lambda w: w, 1.0, learning_rate=0.1, steps="10"), "steps"),
    (lambda: optimization.gradient_descent(lambda w: w, lambda w: w, 1.0, learning_rate="0.1", steps=3),
     "learning_rate"),
    (lambda: optimization.gradient_descent(lambda w: w, lambda w: w, [np.nan], learning_rate=0.1, steps=3),
     "the starting point"),
    (lambda: optimization.minibatch_descent([0.0, 1.0], [0.0, 1.0], batch_size=True), "batch_size"),
    (lambda: geometry.rotation_matrix("90"), "degrees"),
    (lambda: geometry.scaling_matrix(np.inf, 1), "sx"),
    (lambda: geometry.make_moons(10.5), "n"),
    (lambda: geometry.densify([[0, 0], [1, 1]], step=0), "step"),
    (lambda: graph.curriculum_example(w=np.nan), "w"),
    (lambda: optimization.derivative(np.cos, "1"), "x"),
    (lambda: optimization.derivative(np.cos, 1.0, eps=0), "eps"),
    (lambda: optimization.make_regression(n=0), "n"),
    (lambda: optimization.make_regression(noise=-1), "noise"),
    (lambda: optimization.mean_squared_error([1.0], [0.0], [0.0]), "params"),
    (lambda: geometry.grid_shape(extent=np.nan), "extent"),
    (lambda: geometry.grid_shape(lines=1), "lines"),
    (lambda: geometry.letter_f(step=-1), "step"),
    (lambda: training.BatchGenerator([1, 2], [1, 2], batch_size="2"), "batch_size"),
    (lambda: training.update_weights([], [], learning_rate=-1), "learning_rate"),
    (lambda: training.evaluate(None, [], [], batch_size=0), "batch_size"),
])
def test_public_functions_refuse_bad_input_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must "):
        call()

"""The naive operations equal NumPy's on random shapes and dtypes, and explain bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import naive_ops as ops

DTYPES = st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.uint8])
SIZES = st.integers(min_value=1, max_value=6)
SETTINGS = settings(max_examples=40, deadline=None)


def elements(dtype):
    """Values small enough that sums of products cannot overflow any of the dtypes."""
    if np.issubdtype(dtype, np.floating):
        return st.floats(-100, 100, width=np.dtype(dtype).itemsize * 8, allow_nan=False)
    if np.issubdtype(dtype, np.unsignedinteger):
        return st.integers(0, 3)
    return st.integers(-10, 10)


@st.composite
def matrix_pair(draw, same_shape=True):
    dtype = draw(DTYPES)
    rows, cols = draw(SIZES), draw(SIZES)
    x = draw(arrays(dtype, (rows, cols), elements=elements(dtype)))
    y_shape = (rows, cols) if same_shape else (cols, draw(SIZES))
    y = draw(arrays(dtype, y_shape, elements=elements(dtype)))
    return x, y


@st.composite
def matrix_and_vector(draw):
    dtype = draw(DTYPES)
    rows, cols = draw(SIZES), draw(SIZES)
    return (draw(arrays(dtype, (rows, cols), elements=elements(dtype))),
            draw(arrays(dtype, (cols,), elements=elements(dtype))))


def assert_same(got, expected):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape
    if np.issubdtype(expected.dtype, np.floating) and expected.dtype == np.float32:
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3)  # float32 sums in another order
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)


@SETTINGS
@given(matrix_pair())
def test_naive_relu_equals_np_maximum_and_leaves_input_alone(pair):
    x, _ = pair
    before = x.copy()
    result = ops.naive_relu(x)
    assert_same(result, np.maximum(x, 0))
    assert result.dtype == x.dtype
    np.testing.assert_array_equal(x, before)


@SETTINGS
@given(matrix_pair())
def test_naive_add_equals_plus(pair):
    x, y = pair
    before = x.copy()
    assert_same(ops.naive_add(x, y), x + y)
    np.testing.assert_array_equal(x, before)


@SETTINGS
@given(matrix_and_vector())
def test_naive_add_matrix_and_vector_equals_broadcasting(pair):
    x, y = pair
    assert_same(ops.naive_add_matrix_and_vector(x, y), x + y)


@SETTINGS
@given(matrix_and_vector())
def test_vector_and_matrix_vector_products_equal_matmul(pair):
    x, y = pair
    assert_same(ops.naive_vector_product(x[0], y), x[0] @ y)
    assert_same(ops.naive_matrix_vector_product(x, y), x @ y)
    assert_same(ops.naive_matrix_vector_product_by_rows(x, y), x @ y)


@SETTINGS
@given(matrix_pair(same_shape=False))
def test_naive_matrix_product_equals_matmul(pair):
    x, y = pair
    assert_same(ops.naive_matrix_product(x, y), x @ y)


def test_second_edition_names_are_the_same_functions():
    assert ops.naive_vector_dot is ops.naive_vector_product
    assert ops.naive_matrix_vector_dot is ops.naive_matrix_vector_product
    assert ops.naive_matrix_dot is ops.naive_matrix_product


def test_lists_are_accepted():
    assert ops.naive_matrix_product([[1, 2]], [[3], [4]]).tolist() == [[11]]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ops.naive_relu(np.ones(3)), "naive_relu: x must be rank 2 (a matrix); got rank 1 with shape (3,)"),
        (lambda: ops.naive_relu(np.ones((2, 2, 2))), "got rank 3 with shape (2, 2, 2)"),
        (lambda: ops.naive_add(np.ones((2, 3)), np.ones((3, 2))),
         "naive_add: x and y must have the same shape; got x.shape=(2, 3) and y.shape=(3, 2)"),
        (lambda: ops.naive_add_matrix_and_vector(np.ones((2, 3)), np.ones(4)),
         "x.shape[1] must equal y.shape[0]; got x.shape=(2, 3) and y.shape=(4,) (3 != 4)"),
        (lambda: ops.naive_add_matrix_and_vector(np.ones((2, 3)), np.ones((1, 3))), "y must be rank 1 (a vector)"),
        (lambda: ops.naive_vector_product(np.ones(3), np.ones(4)), "got x.shape=(3,) and y.shape=(4,)"),
        (lambda: ops.naive_vector_product(np.ones((1, 3)), np.ones(3)), "x must be rank 1 (a vector); got rank 2"),
        (lambda: ops.naive_matrix_vector_product(np.ones((2, 3)), np.ones(2)), "(3 != 2)"),
        (lambda: ops.naive_matrix_vector_product_by_rows(np.ones(3), np.ones(3)), "x must be rank 2"),
        (lambda: ops.naive_matrix_product(np.ones((2, 3)), np.ones((4, 5))),
         "naive_matrix_product: x.shape[1] must equal y.shape[0]; got x.shape=(2, 3) and y.shape=(4, 5) (3 != 4)"),
        (lambda: ops.naive_matrix_product(np.ones((2, 3)), np.ones(3)),
         "y must be rank 2 (a matrix); got rank 1 with shape (3,)"),
        (lambda: ops.naive_relu(np.array(5.0)), "x must be rank 2 (a matrix); got rank 0 with shape ()"),
    ],
)
def test_wrong_shapes_raise_value_error_naming_the_shapes(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


@pytest.mark.parametrize("bad", [np.array([["a", "b"]]), np.array([[True, False]]), [[None, 1]]])
def test_non_numeric_input_raises_type_error(bad):
    with pytest.raises(TypeError, match="must hold numbers"):
        ops.naive_relu(bad)

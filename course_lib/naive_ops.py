"""The chapter's naive tensor operations: reference versions written as plain loops.

They teach what ``np.maximum``, ``+`` and ``@`` do element by element, so they are
deliberately simple (and slow). Unlike the book's ``assert`` statements, a wrong rank
or shape raises a :class:`ValueError` that names the shapes involved, and a
non-numeric input a :class:`TypeError`.

Names follow the 3rd edition; the 2nd edition's names are kept as aliases
(``naive_vector_dot``, ``naive_matrix_vector_dot``, ``naive_matrix_dot``).

Introduced in notebook 03, where the learner writes them out first.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "naive_relu",
    "naive_add",
    "naive_add_matrix_and_vector",
    "naive_vector_product",
    "naive_matrix_vector_product",
    "naive_matrix_vector_product_by_rows",
    "naive_matrix_product",
    "naive_vector_dot",
    "naive_matrix_vector_dot",
    "naive_matrix_dot",
]

_RANK_NAMES = {0: "a scalar", 1: "a vector", 2: "a matrix"}


def _as_tensor(x, name: str, rank: int, op: str) -> np.ndarray:
    """Return ``x`` as a numeric NumPy array of the given rank, or raise a clear error."""
    array = np.asarray(x)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{op}: {name} must hold numbers; got dtype {array.dtype}.")
    if array.ndim != rank:
        raise ValueError(
            f"{op}: {name} must be rank {rank} ({_RANK_NAMES[rank]}); "
            f"got rank {array.ndim} with shape {array.shape}."
        )
    return array


def _same_shape(x: np.ndarray, y: np.ndarray, op: str) -> None:
    if x.shape != y.shape:
        raise ValueError(f"{op}: x and y must have the same shape; got x.shape={x.shape} and y.shape={y.shape}.")


def _inner_match(x: np.ndarray, y: np.ndarray, op: str) -> None:
    if x.shape[-1] != y.shape[0]:
        raise ValueError(
            f"{op}: x.shape[{x.ndim - 1}] must equal y.shape[0]; got x.shape={x.shape} and "
            f"y.shape={y.shape} ({x.shape[-1]} != {y.shape[0]})."
        )


def naive_relu(x):
    """Return ``max(x, 0)`` of a matrix, entry by entry, leaving ``x`` untouched.

    Args:
        x: a rank-2 array, shape ``(rows, columns)``.
    Returns:
        a new array of the same shape and dtype.
    """
    x = _as_tensor(x, "x", 2, "naive_relu").copy()  # copy: never overwrite the input
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x


def _add_each(z: np.ndarray, value_at) -> np.ndarray:
    """Add ``value_at(i, j)`` to every entry ``z[i, j]`` of the matrix ``z``, one at a time; return ``z``."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] += value_at(i, j)
    return z


def naive_add(x, y):
    """Return ``x + y`` for two matrices of the same shape, entry by entry.

    Args:
        x, y: rank-2 arrays with equal shapes.
    """
    x = _as_tensor(x, "x", 2, "naive_add")
    y = _as_tensor(y, "y", 2, "naive_add")
    _same_shape(x, y, "naive_add")
    return _add_each(x.astype(np.result_type(x, y), copy=True), lambda i, j: y[i, j])


def naive_add_matrix_and_vector(x, y):
    """Return ``x + y`` for a matrix and a vector: ``y`` is added to every row of ``x``.

    This is broadcasting done by hand.

    Args:
        x: rank-2 array, shape ``(rows, n)``.
        y: rank-1 array, shape ``(n,)``.
    """
    x = _as_tensor(x, "x", 2, "naive_add_matrix_and_vector")
    y = _as_tensor(y, "y", 1, "naive_add_matrix_and_vector")
    _inner_match(x, y, "naive_add_matrix_and_vector")
    return _add_each(x.astype(np.result_type(x, y), copy=True), lambda i, j: y[j])


def naive_vector_product(x, y):
    """Return the dot product of two vectors of the same length (a scalar).

    2nd edition name: ``naive_vector_dot``.
    """
    x = _as_tensor(x, "x", 1, "naive_vector_product")
    y = _as_tensor(y, "y", 1, "naive_vector_product")
    _same_shape(x, y, "naive_vector_product")
    z = np.result_type(x, y).type(0)
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z


def naive_matrix_vector_product(x, y):
    """Return the matrix-vector product ``x @ y`` with a double loop.

    Args:
        x: rank-2 array, shape ``(rows, n)``.
        y: rank-1 array, shape ``(n,)``.
    Returns:
        rank-1 array, shape ``(rows,)``.
    """
    x = _as_tensor(x, "x", 2, "naive_matrix_vector_product")
    y = _as_tensor(y, "y", 1, "naive_matrix_vector_product")
    _inner_match(x, y, "naive_matrix_vector_product")
    z = np.zeros(x.shape[0], dtype=np.result_type(x, y))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] += x[i, j] * y[j]
    return z


def naive_matrix_vector_product_by_rows(x, y):
    """Return ``x @ y`` as one vector product per row of ``x``: entry ``i`` is ``x[i] . y``."""
    x = _as_tensor(x, "x", 2, "naive_matrix_vector_product_by_rows")
    y = _as_tensor(y, "y", 1, "naive_matrix_vector_product_by_rows")
    _inner_match(x, y, "naive_matrix_vector_product_by_rows")
    z = np.zeros(x.shape[0], dtype=np.result_type(x, y))
    for i in range(x.shape[0]):
        z[i] = naive_vector_product(x[i, :], y)
    return z


def naive_matrix_product(x, y):
    """Return the matrix product ``x @ y``: entry ``(i, j)`` is row ``i`` of x . column ``j`` of y.

    Args:
        x: rank-2 array, shape ``(a, n)``.
        y: rank-2 array, shape ``(n, b)``.
    Returns:
        rank-2 array, shape ``(a, b)``.
    """
    x = _as_tensor(x, "x", 2, "naive_matrix_product")
    y = _as_tensor(y, "y", 2, "naive_matrix_product")
    _inner_match(x, y, "naive_matrix_product")
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x, y))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_product(x[i, :], y[:, j])
    return z


# The 2nd edition's names for the same operations.
naive_vector_dot = naive_vector_product
naive_matrix_vector_dot = naive_matrix_vector_product
naive_matrix_dot = naive_matrix_product

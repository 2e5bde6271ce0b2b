"""Describe tensors (rank, shape, dtype) and the memory a tensor of a given shape takes.

Introduced in notebook 02.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def describe(x, name: str | None = None) -> str:
    """Return ``"name: rank R, shape S, dtype D"`` for a NumPy array or backend tensor."""
    shape = tuple(int(d) if d is not None else None for d in x.shape)
    dtype = getattr(x.dtype, "name", str(x.dtype))
    text = f"rank {len(shape)}, shape {shape}, dtype {dtype}"
    return f"{name}: {text}" if name else text


@dataclass(frozen=True)
class TensorSize:
    """How many values a tensor of ``shape`` holds and how many bytes they take."""

    shape: tuple
    dtype: str
    values: int
    nbytes: int

    def __str__(self) -> str:
        return f"shape {self.shape}: {self.values:,} values, {format_bytes(self.nbytes)} as {self.dtype}"


def tensor_size(shape, dtype="float32") -> TensorSize:
    """Return the number of values and bytes of a tensor of ``shape`` and ``dtype``.

    Example: ``tensor_size((4, 240, 144, 256, 3))`` is 106,168,320 values, 425 MB as float32.
    """
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be a sequence of whole numbers; got {shape!r}.") from None
    if any(d < 0 for d in shape):
        raise ValueError(f"shape entries cannot be negative; got {shape}.")
    dtype = np.dtype(dtype)
    values = math.prod(shape)
    return TensorSize(shape, dtype.name, values, values * dtype.itemsize)


def format_bytes(nbytes: int) -> str:
    """Return a byte count in decimal units (kB, MB, GB, TB), as disk makers and the book count them."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= size:
            return f"{nbytes / size:,.1f} {unit}" if nbytes < 10 * size else f"{nbytes / size:,.0f} {unit}"
    return f"{nbytes} bytes"

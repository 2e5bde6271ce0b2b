"""Describing tensors and computing their memory sizes (the curriculum's examples)."""

import numpy as np
import pytest

from course_lib.tensors import describe, format_bytes, tensor_size


def test_describe_numpy_arrays():
    assert describe(np.zeros((60000, 28, 28), np.uint8), "train_images") == \
        "train_images: rank 3, shape (60000, 28, 28), dtype uint8"
    assert describe(np.array(12.0)) == "rank 0, shape (), dtype float64"


def test_describe_accepts_any_object_with_shape_and_dtype():
    class FakeTensor:
        shape = (None, 784)
        dtype = "float32"

    assert describe(FakeTensor()) == "rank 2, shape (None, 784), dtype float32"


@pytest.mark.parametrize(
    "shape, values, text",
    [
        ((4, 240, 144, 256, 3), 106_168_320, "425 MB"),
        ((100000, 3), 300_000, "1.2 MB"),
        ((500, 20000), 10_000_000, "40 MB"),
        ((250, 390, 3), 292_500, "1.2 MB"),
        ((128, 256, 256, 3), 25_165_824, "101 MB"),
    ],
)
def test_curriculum_examples(shape, values, text):
    size = tensor_size(shape)
    assert size.values == values and size.nbytes == 4 * values
    assert f"{values:,} values, {text} as float32" in str(size)


def test_dtype_changes_bytes_not_values():
    size = tensor_size((10, 10), "uint8")
    assert (size.values, size.nbytes, size.dtype) == (100, 100, "uint8")
    assert tensor_size((), "float64").nbytes == 8


@pytest.mark.parametrize("n, text", [(5, "5 bytes"), (1500, "1.5 kB"), (42_000_000, "42 MB"),
                                     (143_360_000_000, "143 GB"), (2e12, "2.0 TB")])
def test_format_bytes(n, text):
    assert format_bytes(n) == text


@pytest.mark.parametrize("shape", [(3, -1), ("a", 2), None])
def test_bad_shapes_are_rejected(shape):
    with pytest.raises(ValueError, match="shape"):
        tensor_size(shape)

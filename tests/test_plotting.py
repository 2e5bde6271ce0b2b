"""Every plot helper returns a labelled figure and rejects bad input with a clear message."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from course_lib import plotting
from course_lib.tensors import tensor_size

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(300, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=300)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_use_course_style_sets_defaults():
    plotting.use_course_style()
    assert plt.rcParams["image.cmap"] == "gray_r"


def test_plot_digit_titles_with_label():
    fig = plotting.plot_digit(IMAGES[0], 9)
    assert titles(fig) == ["label 9"]
    assert plotting.plot_digit(IMAGES[0], title="custom").axes[0].get_title() == "custom"


def test_plot_digit_rejects_non_images():
    with pytest.raises(ValueError, match=r"2D array \(height, width\); got shape \(784,\)"):
        plotting.plot_digit(np.zeros(784))


def test_plot_digits_grid_labels_and_predictions():
    predictions = LABELS[:10].copy()
    predictions[3] = (predictions[3] + 1) % 10
    fig = plotting.plot_digits(IMAGES[:10], LABELS[:10], predictions=predictions, ncols=5, title="T")
    assert len(fig.axes) == 10 and fig._suptitle.get_text() == "T"
    assert titles(fig)[0] == f"label {LABELS[0]}\npred {predictions[0]}"
    assert fig.axes[3].title.get_color() == "crimson"
    assert fig.axes[0].title.get_color() != "crimson"


def test_plot_digits_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="got 10 images but 3 labels"):
        plotting.plot_digits(IMAGES[:10], LABELS[:3])
    with pytest.raises(ValueError, match="non-empty batch"):
        plotting.plot_digits(IMAGES[:0])


def test_plot_crop_outlines_the_region():
    fig = plotting.plot_crop(IMAGES[0], slice(7, -7), slice(7, -7))
    left, right = fig.axes
    assert right.get_title() == "crop (14, 14)"
    assert fig._suptitle.get_text() == "image[7:-7, 7:-7]"
    rectangle = [p for p in left.patches if isinstance(p, Rectangle)][0]
    assert (rectangle.get_width(), rectangle.get_height()) == (14, 14)
    with pytest.raises(ValueError, match="select nothing"):
        plotting.plot_crop(IMAGES[0], slice(20, 10), slice(None))


def test_plot_batches_one_row_per_batch():
    fig = plotting.plot_batches(IMAGES, LABELS, batch_size=128, batches=(0, 2), per_batch=4)
    assert len(fig.axes) == 8
    assert fig.axes[4].get_title() == f"#256: {LABELS[256]}"
    assert fig.axes[4].get_ylabel() == "batch 2"
    with pytest.raises(ValueError, match="batch 3 does not exist: 300 images make batches 0 to 2"):
        plotting.plot_batches(IMAGES, batches=(3,))


def test_plot_matmul_shapes_match_mismatch_and_scalar():
    assert "the result has shape (2, 4)" in titles(plotting.plot_matmul_shapes((2, 3), (3, 4)))[0]
    assert "the result has shape (64, 512)" in titles(plotting.plot_matmul_shapes((64, 784), (784, 512)))[0]
    assert "the result has shape (2, 3, 4, 6)" in titles(plotting.plot_matmul_shapes((2, 3, 4, 5), (5, 6)))[0]
    bad = plotting.plot_matmul_shapes((2, 3), (4, 5))
    assert titles(bad)[0] == "x.shape[-1] = 3 but y.shape[0] = 4: no product"
    assert bad.axes[0].title.get_color() == "crimson"
    assert "shape ()" in titles(plotting.plot_matmul_shapes((3,), (3,)))[0]
    with pytest.raises(ValueError, match="rank 1 or more"):
        plotting.plot_matmul_shapes((), (3,))


def test_plot_arrays_shows_every_value():
    fig = plotting.plot_arrays({"x": np.arange(6).reshape(3, 2), "v": np.array([7, 8])}, title="T")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"0", "5", "7", "8"} <= set(texts)
    assert "x\nshape (3, 2)" in texts and fig.axes[0].get_title() == "T"
    with pytest.raises(ValueError, match="ranks 0 to 2"):
        plotting.plot_arrays({"cube": np.zeros((2, 2, 2))})
    with pytest.raises(ValueError, match="at least one"):
        plotting.plot_arrays({})
    with pytest.raises(ValueError, match="small arrays"):
        plotting.plot_arrays({"big": np.zeros((30, 30))})


def test_plot_ranks_has_four_titled_panels():
    assert [t.split("\n")[0] for t in titles(plotting.plot_ranks())] == [
        "rank 0: scalar", "rank 1: vector", "rank 2: matrix", "rank 3: matrices stacked"]


def test_plot_memory_sizes_labels_each_bar():
    fig = plotting.plot_memory_sizes({"video": tensor_size((4, 240, 144, 256, 3)), "tiny": tensor_size((1,))})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_title() == "Memory taken by each data tensor"
    assert any("425 MB" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError):
        plotting.plot_memory_sizes({})

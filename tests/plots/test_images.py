"""Every plot helper returns a labelled figure and rejects bad input with a clear message."""

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from course_lib.plots import images

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(300, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=300)



def titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_plot_digit_titles_with_label():
    fig = images.plot_digit(IMAGES[0], 9)
    assert titles(fig) == ["label 9"]
    assert images.plot_digit(IMAGES[0], title="custom").axes[0].get_title() == "custom"


def test_plot_digit_rejects_non_images():
    with pytest.raises(ValueError, match=r"2D array \(height, width\); got shape \(784,\)"):
        images.plot_digit(np.zeros(784))


def test_plot_digits_grid_labels_and_predictions():
    predictions = LABELS[:10].copy()
    predictions[3] = (predictions[3] + 1) % 10
    fig = images.plot_digits(IMAGES[:10], LABELS[:10], predictions=predictions, ncols=5, title="T")
    assert len(fig.axes) == 10 and fig._suptitle.get_text() == "T"
    assert titles(fig)[0] == f"label {LABELS[0]}\npred {predictions[0]}"
    assert fig.axes[3].title.get_color() == "crimson"
    assert fig.axes[0].title.get_color() != "crimson"


def test_plot_digits_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="got 10 images but 3 labels"):
        images.plot_digits(IMAGES[:10], LABELS[:3])
    with pytest.raises(ValueError, match="non-empty batch"):
        images.plot_digits(IMAGES[:0])


def test_plot_crop_outlines_the_region():
    fig = images.plot_crop(IMAGES[0], slice(7, -7), slice(7, -7))
    left, right = fig.axes
    assert right.get_title() == "crop (14, 14)"
    assert fig._suptitle.get_text() == "image[7:-7, 7:-7]"
    rectangle = [p for p in left.patches if isinstance(p, Rectangle)][0]
    assert (rectangle.get_width(), rectangle.get_height()) == (14, 14)
    with pytest.raises(ValueError, match="select nothing"):
        images.plot_crop(IMAGES[0], slice(20, 10), slice(None))


def test_plot_batches_one_row_per_batch():
    fig = images.plot_batches(IMAGES, LABELS, batch_size=128, batches=(0, 2), per_batch=4)
    assert len(fig.axes) == 8
    assert fig.axes[4].get_title() == f"#256: {LABELS[256]}"
    assert fig.axes[4].get_ylabel() == "batch 2"
    with pytest.raises(ValueError, match="batch 3 does not exist: 300 images make batches 0 to 2"):
        images.plot_batches(IMAGES, batches=(3,))

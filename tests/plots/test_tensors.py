"""Pictures of tensors: tensor-product shapes, small arrays, ranks and memory sizes."""

import numpy as np
import pytest

from course_lib.plots import tensors as tensor_plots
from course_lib.tensors import tensor_size


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_plot_matmul_shapes_match_mismatch_and_scalar():
    assert "the result has shape (2, 4)" in titles(tensor_plots.plot_matmul_shapes((2, 3), (3, 4)))[0]
    assert "the result has shape (64, 512)" in titles(tensor_plots.plot_matmul_shapes((64, 784), (784, 512)))[0]
    assert "the result has shape (2, 3, 4, 6)" in titles(tensor_plots.plot_matmul_shapes((2, 3, 4, 5), (5, 6)))[0]
    bad = tensor_plots.plot_matmul_shapes((2, 3), (4, 5))
    assert titles(bad)[0] == "x.shape[-1] = 3 but y.shape[0] = 4: no product"
    assert bad.axes[0].title.get_color() == "crimson"
    assert "shape ()" in titles(tensor_plots.plot_matmul_shapes((3,), (3,)))[0]
    with pytest.raises(ValueError, match="rank 1 or more"):
        tensor_plots.plot_matmul_shapes((), (3,))


def test_plot_arrays_shows_every_value():
    fig = tensor_plots.plot_arrays({"x": np.arange(6).reshape(3, 2), "v": np.array([7, 8])}, title="T")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"0", "5", "7", "8"} <= set(texts)
    assert "x\nshape (3, 2)" in texts and fig.axes[0].get_title() == "T"
    with pytest.raises(ValueError, match="ranks 0 to 2"):
        tensor_plots.plot_arrays({"cube": np.zeros((2, 2, 2))})
    with pytest.raises(ValueError, match="at least one"):
        tensor_plots.plot_arrays({})
    with pytest.raises(ValueError, match="small arrays"):
        tensor_plots.plot_arrays({"big": np.zeros((30, 30))})


def test_plot_ranks_has_four_titled_panels():
    assert [t.split("\n")[0] for t in titles(tensor_plots.plot_ranks())] == [
        "rank 0: scalar", "rank 1: vector", "rank 2: matrix", "rank 3: matrices stacked"]


def test_plot_memory_sizes_labels_each_bar():
    fig = tensor_plots.plot_memory_sizes({"video": tensor_size((4, 240, 144, 256, 3)), "tiny": tensor_size((1,))})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_title() == "Memory taken by each data tensor"
    assert any("425 MB" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError):
        tensor_plots.plot_memory_sizes({})


def test_plot_timeseries_tensor_labels_each_axis_with_its_real_length():
    fig = tensor_plots.plot_timeseries_tensor((250, 390, 3), drawn=(3, 10, 3))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "timesteps (axis 1): 390" in texts and "samples (axis 0): 250" in texts
    assert "features\n(axis 2): 3" in texts
    assert titles(fig)[0].endswith("(250, 390, 3)") and "(250, 390, 3)" in fig.alt_text
    # 3 slabs of 3 x 10 cells
    assert len(fig.axes[0].patches) == 3 * 3 * 10
    with pytest.raises(ValueError, match="3 positive lengths"):
        tensor_plots.plot_timeseries_tensor((250, 390))


def test_plot_image_batch_draws_channel_planes_per_sample():
    fig = tensor_plots.plot_image_batch((128, 256, 256, 3), drawn_samples=2)
    texts = "\n".join(t.get_text() for t in fig.axes[0].texts)
    assert "width (axis 2): 256" in texts and "height\n(axis 1): 256" in texts
    assert "128 samples" in texts and "channels (axis 3): 3" in texts
    assert len(fig.axes[0].patches) == 2 * 3 and "channels last" in titles(fig)[0]
    assert len(tensor_plots.plot_image_batch((4, 28, 28, 1), drawn_samples=1).axes[0].patches) == 1
    with pytest.raises(ValueError, match="4 positive lengths"):
        tensor_plots.plot_image_batch((128, 256, 256))
    with pytest.raises(ValueError, match="between 1 and 6"):
        tensor_plots.plot_image_batch(drawn_samples=9)

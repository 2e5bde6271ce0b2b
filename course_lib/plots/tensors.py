"""Pictures of tensors: ranks as grids of numbers, small arrays, tensor-product shapes and
how much memory data tensors take.

Every function returns the matplotlib ``Figure`` it drew, with a title and labels.

Introduced in notebooks 02 and 03.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from course_lib.tensors import format_bytes


def plot_matmul_shapes(x_shape, y_shape):
    """Draw the box diagram of a tensor product ``x @ y`` and the shape of its result.

    ``x`` is drawn as a box of ``x.shape[-2]`` rows by ``x.shape[-1]`` columns (a vector
    as a single row), ``y`` likewise, sides proportional to the axis lengths. The two
    sides that must match are drawn thick: green when they match, red (and no result)
    when they do not.

    Args:
        x_shape, y_shape: shapes of rank 1 or more, e.g. ``(2, 3)`` and ``(3, 4)``.
    """
    x_shape, y_shape = tuple(int(d) for d in x_shape), tuple(int(d) for d in y_shape)
    if not x_shape or not y_shape:
        raise ValueError(f"a tensor product needs tensors of rank 1 or more; got shapes {x_shape} and {y_shape}.")
    matches = x_shape[-1] == y_shape[0]
    result = x_shape[:-1] + y_shape[1:] if matches else None
    inner_colour = "tab:green" if matches else "crimson"
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.set_axis_off()
    heights = []

    def sides(shape, name):
        # A vector (n,) is one row of n; y's first axis is its rows, so a y vector is a column.
        if len(shape) == 1:
            return (shape[0], 1) if name == "y" else (1, shape[0])
        return shape[-2:]

    # Scale every box alike so that the largest side stays about as long as the labels.
    longest = max(_box_size(n) for shape, name in ((x_shape, "x"), (y_shape, "y"), (result or (1,), "r"))
                  for n in sides(shape, name))
    scale = min(1.0, 2.4 / longest)

    def box(x0, shape, name, colour, inner_side=None):
        rows, cols = sides(shape, name)
        h, w = scale * _box_size(rows), scale * _box_size(cols)
        x0 += 0.2 + 0.17 * len(str(rows))  # room for the row count, left of the box
        heights.append(h)
        ax.add_patch(Rectangle((x0, -h / 2), w, h, facecolor=colour, alpha=0.35, edgecolor="black"))
        ax.text(x0 + w / 2, h / 2 + 0.2, f"{name}\nshape {shape}", ha="center", va="bottom")
        row_style = col_style = dict(fontsize=10)
        if inner_side == "cols":  # x's last axis: its columns, along the bottom edge
            ax.plot([x0, x0 + w], [-h / 2, -h / 2], color=inner_colour, linewidth=4)
            col_style = dict(fontsize=11, color=inner_colour, fontweight="bold")
        if inner_side == "rows":  # y's first axis: its rows, along the left edge
            ax.plot([x0, x0], [-h / 2, h / 2], color=inner_colour, linewidth=4)
            row_style = dict(fontsize=11, color=inner_colour, fontweight="bold")
        ax.text(x0 - 0.12, 0, str(rows), ha="right", va="center", **row_style)
        ax.text(x0 + w / 2, -h / 2 - 0.12, str(cols), ha="center", va="top", **col_style)
        return x0 + w

    end = box(0.0, x_shape, "x", "tab:blue", inner_side="cols")
    ax.text(end + 0.45, 0, "@", ha="center", va="center", fontsize=18)
    end = box(end + 0.8, y_shape, "y", "tab:orange", inner_side="rows")
    if matches:
        ax.text(end + 0.45, 0, "=", ha="center", va="center", fontsize=18)
        if result:
            end = box(end + 0.8, result, "x @ y", "tab:green")
        else:
            ax.text(end + 1.1, 0, "a scalar\nshape ()", ha="left", va="center")
            end += 2.6
        verdict = f"x.shape[-1] = y.shape[0] = {x_shape[-1]}: the result has shape {result}"
    else:
        verdict = f"x.shape[-1] = {x_shape[-1]} but y.shape[0] = {y_shape[0]}: no product"
    ax.set_title(verdict, color="black" if matches else "crimson")
    top = max(heights) / 2
    ax.set_xlim(-0.8, end + 0.4)
    ax.set_ylim(-top - 0.7, top + 1.5)
    ax.set_aspect("equal")
    return fig


def _box_size(n: int) -> float:
    """Drawing length of an axis of length ``n``: proportional up to 8, then growing slowly."""
    return 0.45 * n if n <= 8 else 3.6 + 0.9 * np.log2(n / 8)


def _draw_grid(ax, values, x0: float, y0: float, colour: str, cell: float = 1.0,
               numbers: bool = True) -> tuple[float, float]:
    """Draw a rank-0, 1 or 2 array as a grid of cells with its top-left at (x0, y0).

    Cells are opaque (a light tint of ``colour``) so that grids drawn later cover earlier
    ones; ``numbers=False`` leaves the cells blank. Returns the grid's (width, height).
    """
    tint = tuple(0.3 * c + 0.7 for c in to_rgb(colour))
    values = np.asarray(values)
    grid = values.reshape(1, 1) if values.ndim == 0 else values.reshape(1, -1) if values.ndim == 1 else values
    rows, cols = grid.shape
    for i in range(rows):
        for j in range(cols):
            x, y = x0 + j * cell, y0 - (i + 1) * cell
            ax.add_patch(Rectangle((x, y), cell, cell, facecolor=tint, edgecolor="black"))
            if numbers:
                ax.text(x + cell / 2, y + cell / 2, _format_number(grid[i, j]), ha="center", va="center", fontsize=9)
    return cols * cell, rows * cell


def _format_number(v) -> str:
    if isinstance(v, (float, np.floating)) and not float(v).is_integer():
        return f"{v:.2g}"
    return str(int(v)) if isinstance(v, (float, np.floating)) else str(v)


def plot_arrays(arrays: dict, *, title: str | None = None):
    """Draw small arrays (rank 0 to 2) side by side as grids of their numbers, titled with their shapes.

    Args:
        arrays: ``{caption: array}``, e.g. ``{"x": x, "x.reshape((6, 1))": x.reshape((6, 1))}``.
        title: the figure's title.
    """
    if not arrays:
        raise ValueError("plot_arrays needs at least one array.")
    items = [(caption, np.asarray(a)) for caption, a in arrays.items()]
    for caption, a in items:
        if a.ndim > 2:
            raise ValueError(f"plot_arrays draws ranks 0 to 2; {caption!r} has shape {a.shape}.")
        if a.size > 400:
            raise ValueError(f"{caption!r} has {a.size} values; plot_arrays is for small arrays (at most 400).")
    fig, ax = plt.subplots(figsize=(min(12, 1.5 + sum(max(a.shape[-1:] or (1,)) for _, a in items) * 0.55), 3))
    ax.set_axis_off()
    x0, tallest = 0.0, 1.0
    for (caption, a), colour in zip(items, _COLOURS * len(items)):
        width, height = _draw_grid(ax, a, x0, 0.0, colour)
        ax.text(x0 + width / 2, 0.3, f"{caption}\nshape {a.shape}", ha="center", va="bottom")
        tallest = max(tallest, height)
        x0 += width + 1.0
    ax.set_xlim(-0.3, x0 - 0.7)
    ax.set_ylim(-tallest - 0.3, 1.6)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return fig


_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:red"]


def plot_ranks():
    """Draw tensors of rank 0 to 3 as numbers in cells: a scalar, a vector, a matrix, a stack of matrices."""
    rng = np.random.default_rng(2)
    matrix = rng.integers(0, 10, size=(3, 5))
    fig, axes = plt.subplots(1, 4, figsize=(12, 3), gridspec_kw={"width_ratios": [2.4, 5.4, 5.4, 6.5]})
    panels = [
        ("rank 0: scalar\nshape ()", np.array(12)),
        ("rank 1: vector\nshape (5,)", np.array([12, 3, 6, 14, 7])),
        ("rank 2: matrix\nshape (3, 5)", matrix),
    ]
    for ax, (caption, values), colour in zip(axes, panels, _COLOURS):
        width, height = _draw_grid(ax, values, 0, 0, colour)
        margin = 0.2 + max(0.0, (2.4 - width) / 2)  # room for the scalar's title
        ax.set_xlim(-margin, width + margin)
        ax.set_ylim(-3.4, 0.2)
        ax.set_title(caption)
    cube = axes[3]
    for k in reversed(range(3)):  # draw the back matrices first, shifted up and right
        _draw_grid(cube, matrix, 0.5 * k, 0.5 * k, _COLOURS[3], numbers=k == 0)
    cube.set_xlim(-0.2, 6.3)
    cube.set_ylim(-3.4, 1.3)
    cube.set_title("rank 3: matrices stacked\nshape (3, 3, 5)")
    for ax in axes:
        ax.set_aspect("equal")
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def plot_memory_sizes(sizes: dict):
    """Bar chart (log scale) of how much memory each example tensor takes.

    Args:
        sizes: ``{name: TensorSize}`` from :func:`course_lib.tensors.tensor_size`.
    """
    if not sizes:
        raise ValueError("plot_memory_sizes needs at least one tensor size.")
    names = list(sizes)
    nbytes = [max(1, sizes[n].nbytes) for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(names) + 1.2))
    bars = ax.barh(names, nbytes, color="tab:blue", alpha=0.6)
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set_xlabel("memory (bytes, log scale)")
    ax.set_title("Memory taken by each data tensor")
    for bar, name in zip(bars, names):
        ax.text(bar.get_width() * 1.15, bar.get_y() + bar.get_height() / 2,
                f"{format_bytes(sizes[name].nbytes)}  {sizes[name].shape}", va="center", fontsize=9)
    ax.set_xlim(right=max(nbytes) * 1e3)
    fig.tight_layout()
    return fig


def _label_axis(ax, start, end, text: str, *, offset=(0.0, 0.0), ha: str = "center") -> None:
    """Draw a double arrow from ``start`` to ``end`` with ``text`` at its middle moved by ``offset``."""
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="<->", color="black", lw=1.2))
    middle = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
    ax.text(middle[0], middle[1], text, ha=ha, va="center", fontsize=9,
            bbox=dict(facecolor="white", edgecolor="none", pad=1.0))


def _slab(ax, x0: float, y0: float, cols: int, rows: int, colour: str) -> None:
    """Draw a blank ``rows`` x ``cols`` grid of unit cells with its bottom-left at (x0, y0)."""
    _draw_grid(ax, np.zeros((rows, cols)), x0, y0 + rows, colour, numbers=False)


def _finish_diagram(fig, ax, title: str, alt_text: str):
    """Square units, no axes, ``title`` on top, and ``alt_text`` (the figure in words) on the figure; return it."""
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    fig.alt_text = alt_text
    return fig


def plot_timeseries_tensor(shape=(250, 390, 3), *, drawn=(3, 10, 3)):
    """Draw a rank-3 timeseries tensor ``(samples, timesteps, features)`` as stacked sample slabs.

    Each slab is one sample: time runs left to right (axis 1) and the features are the rows
    (axis 2); the slabs behind are the other samples (axis 0). Only ``drawn`` cells are drawn;
    the labels give the real lengths. The figure's ``alt_text`` attribute describes it in words.

    Args:
        shape: the tensor's real shape, e.g. a year of 250 trading days x 390 minutes x 3 prices.
        drawn: how many samples, timesteps and features to draw.
    """
    shape, drawn = tuple(int(n) for n in shape), tuple(int(n) for n in drawn)
    if len(shape) != 3 or len(drawn) != 3 or min(shape + drawn) < 1:
        raise ValueError(f"shape and drawn must be 3 positive lengths (samples, timesteps, features); got {shape}, "
                         f"{drawn}")
    samples, timesteps, features = drawn
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for k in reversed(range(samples)):  # back slabs first, shifted up and right
        _slab(ax, 0.6 * k, 0.6 * k, timesteps, features, _COLOURS[k % len(_COLOURS)])
    _label_axis(ax, (0, -0.6), (timesteps, -0.6), f"timesteps (axis 1): {shape[1]:,}")
    _label_axis(ax, (-0.7, 0), (-0.7, features), f"features\n(axis 2): {shape[2]:,}", offset=(-0.3, 0.0), ha="right")
    back = 0.6 * (samples - 1)
    _label_axis(ax, (timesteps + 0.3, features + 0.1), (timesteps + 0.3 + back, features + 0.1 + back),
                f"samples (axis 0): {shape[0]:,}", offset=(0.5, 0.0), ha="left")
    ax.set_xlim(-3.6, timesteps + back + 5.5)
    ax.set_ylim(-1.4, features + back + 0.8)
    return _finish_diagram(fig, ax, f"A timeseries batch: (samples, timesteps, features) = {shape}",
                           f"A stack of {samples} grids. Each grid is one sample, {timesteps} columns of timesteps "
                           f"by {features} rows of features; labels give the real shape {shape}.")


def plot_image_batch(shape=(128, 256, 256, 3), *, drawn_samples: int = 3):
    """Draw a rank-4 image batch ``(samples, height, width, channels)``, channels last.

    Each sample is drawn as its channel planes (red, green, blue for colour) one behind the
    other; the samples stand side by side along axis 0. The figure's ``alt_text`` attribute
    describes it in words.

    Args:
        shape: the batch's real shape, e.g. 128 colour images of 256 x 256 pixels.
        drawn_samples: how many samples to draw (at most 6).
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) != 4 or min(shape) < 1:
        raise ValueError(f"shape must be 4 positive lengths (samples, height, width, channels); got {shape}")
    if not 1 <= int(drawn_samples) <= 6:
        raise ValueError(f"drawn_samples must be between 1 and 6; got {drawn_samples}")
    channels = min(shape[3], 4)
    plane_colours = ["tab:red", "tab:green", "tab:blue", "tab:gray"] if shape[3] > 1 else ["tab:gray"]
    side, gap, shift = 4, 2.6, 0.5
    fig, ax = plt.subplots(figsize=(9, 3.4))
    for s in range(int(drawn_samples)):
        x0 = s * (side + gap + shift * (channels - 1))
        for c in reversed(range(channels)):
            colour = plane_colours[c % len(plane_colours)]
            tint = tuple(0.45 * v + 0.55 for v in to_rgb(colour))
            ax.add_patch(Rectangle((x0 + shift * c, shift * c), side, side, facecolor=tint, edgecolor="black"))
        ax.text(x0 + side / 2, -0.45, f"sample {s}", ha="center", va="top", fontsize=9)
    _label_axis(ax, (0, side + shift * (channels - 1) + 0.5), (side, side + shift * (channels - 1) + 0.5),
                f"width (axis 2): {shape[2]}", offset=(0.0, 0.6))
    _label_axis(ax, (-0.6, 0), (-0.6, side), f"height\n(axis 1): {shape[1]}", offset=(-0.6, 0.0), ha="right")
    end = int(drawn_samples) * (side + gap + shift * (channels - 1)) - gap
    ax.text(end + 0.3, side / 2, f"... {shape[0]:,} samples\n(axis 0)\n\nchannels (axis 3): {shape[3]}\n"
            "drawn as planes\none behind the other", va="center", fontsize=9)
    ax.set_xlim(-3.6, end + 4.2)
    ax.set_ylim(-1.4, side + shift * channels + 1.8)
    return _finish_diagram(fig, ax, f"An image batch, channels last: (samples, height, width, channels) = {shape}",
                           f"{int(drawn_samples)} images side by side, each drawn as {channels} coloured channel "
                           f"planes one behind the other; labels give height, width, channels and the real shape "
                           f"{shape}.")

"""Labelled pictures of images: single digits, grids of digits, crops and batches.

Every function returns the matplotlib ``Figure`` it drew, with a title and labels, so a
notebook cell can end with ``plt.show()`` and a test can inspect the figure.

Introduced in notebooks 01, 02 and 06.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle


def _as_image(image, what: str = "image") -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"{what} must be a 2D array (height, width); got shape {image.shape}.")
    return image


def plot_digit(image, label=None, *, title: str | None = None, ax=None):
    """Draw one grayscale digit, titled with its label.

    Args:
        image: array of shape ``(height, width)``, e.g. ``train_images[4]``.
        label: the digit's label, shown in the title.
        title: replaces the default title.
        ax: draw into this Axes instead of a new figure.
    Returns:
        the Figure.
    """
    image = _as_image(image)
    if ax is None:
        fig, ax = plt.subplots(figsize=(3, 3))
    ax.imshow(image, cmap="gray_r", vmin=0,
              vmax=max(255, float(image.max(initial=0))) if image.dtype == np.uint8 else None)
    if title is None:
        title = f"label {label}" if label is not None else f"{image.shape[0]}x{image.shape[1]} image"
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax.figure


def plot_digits(images, labels=None, *, predictions=None, ncols: int = 10, title: str | None = None):
    """Draw a grid of digits, each titled with its label (and the model's prediction, if given).

    Args:
        images: array of shape ``(n, height, width)``.
        labels: ``n`` labels, or ``None``.
        predictions: ``n`` predicted classes; wrong ones are titled in red.
        ncols: digits per row.
        title: the figure's title.
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch of shape (n, height, width); got shape {images.shape}.")
    n = len(images)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != n:
            raise ValueError(f"got {n} images but {len(values)} {name}.")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.4 * nrows + 0.5), squeeze=False,
                             layout="constrained")
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
            continue
        parts = []
        if labels is not None:
            parts.append(f"label {labels[k]}")
        if predictions is not None:
            parts.append(f"pred {predictions[k]}")
        plot_digit(images[k], ax=ax, title="\n".join(parts) or f"#{k}")
        if predictions is not None and labels is not None and predictions[k] != labels[k]:
            ax.title.set_color("crimson")
    if title:
        fig.suptitle(title)
    return fig


def plot_crop(image, rows: slice, cols: slice, *, title: str | None = None):
    """Show an image with the region ``image[rows, cols]`` outlined, next to the crop itself.

    Args:
        image: array of shape ``(height, width)``.
        rows, cols: the slices of the crop, e.g. ``slice(7, -7)``.
        title: the figure's title; defaults to the slicing expression.
    """
    image = _as_image(image)
    crop = image[rows, cols]
    if crop.size == 0:
        raise ValueError(f"the slices [{_slice_text(rows)}, {_slice_text(cols)}] "  # noqa: S608 - a message, not SQL
                         f"select nothing from shape {image.shape}.")
    r0, r1, _ = rows.indices(image.shape[0])
    c0, c1, _ = cols.indices(image.shape[1])
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3.3), layout="constrained")
    plot_digit(image, ax=left, title=f"whole image {image.shape}")
    left.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False, edgecolor="crimson", linewidth=2))
    plot_digit(crop, ax=right, title=f"crop {crop.shape}")
    fig.suptitle(title or f"image[{_slice_text(rows)}, {_slice_text(cols)}]")
    return fig


def _slice_text(s: slice) -> str:
    start = "" if s.start is None else s.start
    stop = "" if s.stop is None else s.stop
    return f"{start}:{stop}" + (f":{s.step}" if s.step not in (None, 1) else "")


def plot_batches(images, labels=None, *, batch_size: int = 128, batches=(0, 1, 2), per_batch: int = 8):
    """Show the first ``per_batch`` digits of several batches, one row per batch.

    Batch ``n`` is ``images[batch_size * n : batch_size * (n + 1)]``.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, height, width); got shape {images.shape}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}.")
    n_batches = -(-len(images) // batch_size)
    for n in batches:
        if not 0 <= n < n_batches:
            raise ValueError(f"batch {n} does not exist: {len(images)} images make batches 0 to {n_batches - 1} "
                             f"of size {batch_size}.")
    fig, axes = plt.subplots(len(batches), per_batch, figsize=(1.1 * per_batch, 1.35 * len(batches) + 0.6),
                             squeeze=False, layout="constrained")
    for row, n in enumerate(batches):
        start = batch_size * n
        batch = images[start:start + batch_size]
        for k, ax in enumerate(axes[row]):
            if k >= len(batch):
                ax.axis("off")
                continue
            label = f"#{start + k}" if labels is None else f"#{start + k}: {labels[start + k]}"
            plot_digit(batch[k], ax=ax, title=label)
        axes[row][0].set_ylabel(f"batch {n}", rotation=0, ha="right", va="center")
    fig.suptitle(f"First {per_batch} samples of batches {', '.join(map(str, batches))} (batch_size={batch_size})")
    return fig

"""Pictures of 2D transforms: shapes before and after a map, vectors, composition, layers.

The ``draw_*`` functions draw onto a given Axes and return the artists they made, so the
widgets in :mod:`course_lib.widgets` can later move those artists in place; the
``plot_*`` functions make a complete, titled static figure for a notebook cell.

Introduced in notebook 04.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib import geometry

ORIGINAL_STYLE = dict(color="0.6", linestyle="--", linewidth=1.2)
CLASS_COLOURS = ("tab:blue", "tab:orange")


def format_matrix(W, decimals: int = 2) -> str:
    """Return ``[[a, b], [c, d]]`` with rounded entries (no ``-0.0``)."""
    W = np.round(np.asarray(W, dtype=float), decimals) + 0.0
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in np.atleast_2d(W)) + "]"


def format_vector(b, decimals: int = 2) -> str:
    """Return ``[x, y]`` with rounded entries (no ``-0.0``)."""
    b = np.round(np.asarray(b, dtype=float), decimals) + 0.0
    return "[" + ", ".join(f"{v:g}" for v in b) + "]"


def draw_shape(ax, shape: geometry.Shape, **style) -> list:
    """Draw every polyline of ``shape``; return the Line2D artists, one per part."""
    style = {"color": "tab:blue", "linewidth": 1.6, **style}
    return [ax.plot(part[:, 0], part[:, 1], **style)[0] for part in shape.parts]


def move_shape(lines: list, shape: geometry.Shape) -> None:
    """Move already-drawn lines (from :func:`draw_shape`) onto ``shape``'s new points."""
    for line, part in zip(lines, shape.parts):
        line.set_data(part[:, 0], part[:, 1])


def frame(ax, points, margin: float = 0.3, minimum: float = 1.5) -> None:
    """Set equal, symmetric-enough limits that show all ``points`` and the origin, with axes drawn."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    finite = points[np.all(np.isfinite(points), axis=1)]
    reach = max(minimum, float(np.abs(finite).max()) + margin) if len(finite) else minimum
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def plot_transform(shape: geometry.Shape, transformed: geometry.Shape, *, title: str, ax=None):
    """Draw a shape (grey, dashed) and its image under a map (blue) on one Axes."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 4))
    draw_shape(ax, shape, label="before", **ORIGINAL_STYLE)
    draw_shape(ax, transformed, label="after")
    frame(ax, np.vstack([shape.points, transformed.points]))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[:1] + handles[len(shape.parts):len(shape.parts) + 1], ["before", "after"], loc="lower right",
              fontsize=8)
    ax.set_title(title)
    return ax.figure


def plot_transforms(shape: geometry.Shape, maps: dict, *, suptitle: str | None = None):
    """One panel per ``{title: function}``: the shape before and after each map."""
    fig, axes = plt.subplots(1, len(maps), figsize=(3.6 * len(maps), 3.8), squeeze=False, layout="constrained")
    for ax, (title, function) in zip(axes[0], maps.items()):
        plot_transform(shape, shape.map(function), title=title, ax=ax)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def draw_vectors(ax, A, B) -> dict:
    """Draw A from the origin, B from A's tip, and A + B from the origin; return the arrows."""
    A, B = geometry.as_vector(A, "A"), geometry.as_vector(B, "B")
    style = dict(angles="xy", scale_units="xy", scale=1, width=0.012)
    arrows = {
        "A": ax.quiver(0, 0, *A, color="tab:blue", label="A", **style),
        "B": ax.quiver(*A, *B, color="tab:orange", label="B (from the tip of A)", **style),
        "A + B": ax.quiver(0, 0, *(A + B), color="tab:green", label="A + B", **style),
    }
    ax.legend(loc="lower right", fontsize=8)
    return arrows


def move_vectors(arrows: dict, A, B) -> None:
    """Move arrows made by :func:`draw_vectors` to new vectors A and B."""
    A, B = np.asarray(A, float), np.asarray(B, float)
    arrows["A"].set_UVC(*A)
    arrows["B"].set_offsets([A])
    arrows["B"].set_UVC(*B)
    arrows["A + B"].set_UVC(*(A + B))


def plot_vectors(A, B):
    """Static picture of vector addition: arrows chained tip to tail."""
    A, B = geometry.as_vector(A, "A"), geometry.as_vector(B, "B")
    fig, ax = plt.subplots(figsize=(4, 4))
    draw_vectors(ax, A, B)
    frame(ax, np.array([A, A + B, [0, 0]]), margin=0.4)
    ax.set_title(f"A = {format_vector(A)}, B = {format_vector(B)}, A + B = {format_vector(A + B)}")
    return fig


def draw_composition(ax, shape: geometry.Shape, W1, b1, W2, b2, relu_between: bool = False) -> float:
    """Draw two layers applied in turn (coloured) over their collapsed single map ``W, b`` (dotted).

    Without relu the two coincide; with ``relu_between`` the first layer's output is folded
    first and they part. Returns the largest distance between the two results.
    """
    W, b = geometry.compose_affine(W1, b1, W2, b2)
    first = ((lambda p: geometry.relu(geometry.affine(p, W1, b1))) if relu_between
             else (lambda p: geometry.affine(p, W1, b1)))
    two_step = shape.map(lambda p: geometry.affine(first(p), W2, b2))
    one_step = shape.map(lambda p: geometry.affine(p, W, b))
    if relu_between:
        draw_shape(ax, two_step, color="tab:red", label="relu between")
    else:
        draw_shape(ax, two_step, linewidth=4, alpha=0.5, label="two layers")
    draw_shape(ax, one_step, color="black", linestyle=":", label="one layer: W, b")
    frame(ax, np.vstack([two_step.points, one_step.points]))
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), loc="lower right", fontsize=8)
    return float(np.abs(two_step.points - one_step.points).max())


def plot_composition(shape: geometry.Shape, W1, b1, W2, b2):
    """Two affine maps applied one after the other vs their single collapsed map, and with relu between.

    Left: before. Middle: ``W2 @ (W1 @ x + b1) + b2`` (blue) and ``W @ x + b`` with
    ``W = W2 @ W1, b = W2 @ b1 + b2`` (dotted black) coincide. Right: with relu after the
    first map the two-step result (red) no longer matches the collapsed map.
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.9), layout="constrained")
    draw_shape(axes[0], shape)
    frame(axes[0], shape.points)
    axes[0].set_title("before")
    draw_composition(axes[1], shape, W1, b1, W2, b2)
    axes[1].set_title("two affine layers = one affine layer")
    draw_composition(axes[2], shape, W1, b1, W2, b2, relu_between=True)
    axes[2].set_title("with relu between: no longer one map")
    return fig


def draw_layer(ax, points, labels, grid_lines=None) -> dict:
    """Scatter points coloured by class, optionally over a deformed grid; return the artists."""
    artists = {"grid": draw_shape(ax, grid_lines, color="0.85", linewidth=0.8) if grid_lines is not None else []}
    colours = np.array(CLASS_COLOURS)[np.asarray(labels, int)]
    artists["points"] = ax.scatter(points[:, 0], points[:, 1], c=colours, s=12, edgecolors="none")
    return artists


def layer_titles(n_layers: int) -> list[str]:
    """``["input", "after layer 1", ...]``."""
    return ["input"] + [f"after layer {k}" for k in range(1, n_layers + 1)]


def plot_layers(network: geometry.TinyNetwork, points, labels, *, extent: float = 2.5):
    """One panel per stage: the data and a grid, as each 2D layer moves them.

    The last panel also draws the output layer's decision line ``w . h + c = 0``.
    """
    stages = network.layer_outputs(points)
    grid = geometry.grid_shape(extent=extent, lines=11, step=0.05)
    grids = [grid.map(lambda p, k=k: network.layer_outputs(p)[k]) for k in range(len(stages))]
    fig, axes = plt.subplots(1, len(stages), figsize=(3.1 * len(stages), 3.4), layout="constrained")
    for ax, stage, grid_k, title in zip(axes, stages, grids, layer_titles(len(stages) - 1)):
        draw_layer(ax, stage, labels, grid_k)
        _fit_limits(ax, stage)
        ax.set_title(title)
    draw_decision_line(axes[-1], network)
    fig.suptitle(f"Uncrumpling two moons, layer by layer (accuracy {network.accuracy(points, labels):.2f})")
    return fig


def _fit_limits(ax, points, margin: float = 0.15) -> None:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * margin, 0.1)
    ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
    ax.set_ylim(low[1] - pad[1], high[1] + pad[1])


def draw_decision_line(ax, network: geometry.TinyNetwork):
    """Draw the output layer's line ``w . h + c = 0`` across the Axes' current view."""
    (w0, w1), c = network.output
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if abs(w1) > abs(w0):
        xs = np.array([x0, x1])
        ys = -(w0 * xs + c) / w1
    else:
        ys = np.array([y0, y1])
        xs = -(w1 * ys + c) / w0 if w0 else np.array([np.nan, np.nan])
    (line,) = ax.plot(xs, ys, color="black", linewidth=1.5, label="decision line")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return line

"""Pictures of gradient-based optimisation: slopes, descent paths, momentum, mini-batches.

``draw_*`` functions draw onto a given Axes (the widgets redraw with them); ``plot_*``
functions make a complete, titled figure for a notebook cell.

Introduced in notebook 05.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib import optimization as opt

#: Curves the derivative explorer offers: name -> (f, exact derivative, x range).
CURVES = {
    "cos(x)": (np.cos, lambda x: -np.sin(x), (-4.0, 4.0)),
    "0.5 * x": (lambda x: 0.5 * x, lambda x: 0.5 + 0 * x, (-4.0, 4.0)),
    "x**2 - 1": (lambda x: x ** 2 - 1, lambda x: 2 * x, (-2.5, 2.5)),
    "x**4 - 3x**2 + x": (opt.double_well, opt.double_well_gradient, (-2.2, 2.2)),
}


def describe_slope(a: float) -> str:
    """Say in words what the slope ``a`` means for f near the point."""
    if abs(a) < 1e-3:
        return "flat here: f neither rises nor falls (a minimum, a maximum, or a plateau)"
    direction = "rises" if a > 0 else "falls"
    steep = "steeply" if abs(a) > 2 else "gently" if abs(a) < 0.5 else ""
    return f"f {direction} {steep} as x grows: a step of eps changes f by about {a:+.2f} x eps".replace("  ", " ")


def draw_derivative(ax, curve: str, p: float, eps: float = 0.5) -> dict:
    """Draw a curve, the point ``(p, f(p))``, its tangent line and the step ``p -> p + eps``."""
    f, df, (lo, hi) = CURVES[curve]
    xs = np.linspace(lo, hi, 300)
    ax.plot(xs, f(xs), color="tab:blue", label=f"f(x) = {curve}")
    a = float(df(p))
    tangent_x = np.array([p - 1.5, p + 1.5])
    artists = {
        "tangent": ax.plot(tangent_x, f(p) + a * (tangent_x - p), color="tab:orange", label="f(p) + a (x - p)")[0],
        "point": ax.plot([p], [f(p)], "o", color="black")[0],
        "step": ax.plot([p, p + eps], [f(p), f(p) + a * eps], "s--", color="tab:green", markersize=4,
                        label="f(p + eps) ~ f(p) + a eps")[0],
    }
    ax.set_xlim(lo, hi)
    ys = f(xs)
    ax.set_ylim(ys.min() - 0.5 * (np.ptp(ys) + 0.5), ys.max() + 0.3 * (np.ptp(ys) + 0.5))
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title(f"at p = {p:.2f}: slope a = {a:.2f}")
    ax.legend(loc="lower right", fontsize=8)
    return artists


def plot_derivative(curve: str, points):
    """One panel per point p: the curve and its local linear approximation there."""
    fig, axes = plt.subplots(1, len(points), figsize=(3.8 * len(points), 3.2), squeeze=False, layout="constrained")
    for ax, p in zip(axes[0], points):
        draw_derivative(ax, curve, p)
    fig.suptitle(f"The derivative is the slope of the local linear approximation of f(x) = {curve}")
    return fig


def draw_descent_1d(ax, run: opt.Descent, loss=lambda x: x ** 2, span: float = 3.5) -> None:
    """Draw a 1D loss curve and the points a descent visited, joined in order."""
    xs = np.linspace(-span, span, 200)
    ax.plot(xs, loss(xs), color="0.5")
    path = np.clip(np.asarray(run.path, float).ravel(), -span, span)
    ax.plot(path, loss(path), "o-", color="tab:red", markersize=4, lw=1)
    ax.plot(path[:1], loss(path[:1]), "o", color="black", label="start")
    ax.set_xlim(-span, span)
    ax.set_ylim(-0.5, loss(span) * 1.05)
    ax.set_xlabel("w")
    ax.set_ylabel("loss(w) = w**2")


def draw_descent_2d(ax, run: opt.Descent, span: float = 3.2) -> None:
    """Draw the contours of :func:`course_lib.optimization.bowl` and a descent's path on them."""
    grid = np.linspace(-span, span, 121)
    W0, W1 = np.meshgrid(grid, grid)
    ax.contour(W0, W1, opt.bowl(np.stack([W0, W1], axis=-1)), levels=[0.1, 0.5, 1, 2, 4, 8, 16, 32], colors="0.7",
               linewidths=0.8)
    path = np.clip(np.asarray(run.path, float), -span, span)
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, lw=1)
    ax.plot(path[:1, 0], path[:1, 1], "o", color="black")
    ax.plot([0], [0], "*", color="tab:green", markersize=12)
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.set_xlabel("w0")
    ax.set_ylabel("w1")


def plot_learning_rates(learning_rates, steps: int = 12):
    """One column per learning rate: its descent on the 1D curve (top) and on the 2D bowl (bottom)."""
    fig, axes = plt.subplots(2, len(learning_rates), figsize=(3.4 * len(learning_rates), 6.4), layout="constrained")
    for col, lr in enumerate(learning_rates):
        one, two = opt.descent_runs(lr, steps)
        draw_descent_1d(axes[0, col], one)
        axes[0, col].set_title(f"learning rate {lr}\n{opt.judge_descent(one, 0.0).outcome}")
        draw_descent_2d(axes[1, col], two)
        axes[1, col].set_title(opt.judge_descent(two, np.zeros(2)).outcome)
    fig.suptitle(f"{steps} steps of gradient descent at different learning rates (top: w**2; bottom: a bowl)")
    return fig


def draw_momentum(ax, plain: opt.Descent, moving: opt.Descent, span: float = 2.2) -> None:
    """Draw the double-well curve with a plain descent and a momentum descent."""
    xs = np.linspace(-span, span, 300)
    ax.plot(xs, opt.double_well(xs), color="0.5")
    for run, colour, name in ((plain, "tab:red", "plain gradient descent"), (moving, "tab:purple", "with momentum")):
        path = np.clip(np.asarray(run.path, float).ravel(), -span, span)
        ax.plot(path, opt.double_well(path), "o-", color=colour, markersize=3, lw=0.8, alpha=0.8, label=name)
        ax.plot(path[-1:], opt.double_well(path[-1:]), "X", color=colour, markersize=11)
    ax.set_xlim(-span, span)
    ax.set_ylim(-4.5, 6)
    ax.set_xlabel("w")
    ax.set_ylabel("loss(w)")
    ax.legend(loc="upper center", fontsize=8)


def plot_momentum(learning_rate: float = 0.02, momentum: float = 0.9, start: float = 2.0, steps: int = 100):
    """Static picture: plain descent stops in the local minimum, momentum carries on."""
    plain, moving = opt.momentum_runs(learning_rate, momentum, start, steps)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    draw_momentum(ax, plain, moving)
    ax.set_title(f"learning rate {learning_rate}, momentum {momentum}\n"
                 f"plain: {opt.where_it_ended(plain)}; momentum: {opt.where_it_ended(moving)}")
    return fig


def plot_minibatch_comparison(x, y, batch_sizes=(1, 10, 100), learning_rate: float = 0.1, updates: int = 80,
                              seed: int = 0):
    """Full-data loss after each update for true SGD, mini-batch and full-batch descent."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for batch_size, colour in zip(batch_sizes, ("tab:red", "tab:blue", "black")):
        run = opt.minibatch_descent(x, y, batch_size=batch_size, learning_rate=learning_rate, updates=updates,
                                    seed=seed)
        name = "true SGD" if batch_size == 1 else "full batch" if batch_size == len(x) else "mini-batch"
        ax.plot(run.losses, color=colour, lw=1.3, label=f"{name} (batch_size={batch_size})")
    ax.set_yscale("log")
    ax.set_xlabel("update")
    ax.set_ylabel("loss on all the data (log scale)")
    ax.set_title("Smaller batches: cheaper, noisier updates")
    ax.legend(fontsize=8)
    return fig

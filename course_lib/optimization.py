"""Gradient-based optimisation in plain NumPy: derivatives, gradient descent, momentum,
and mini-batch descent on a small regression problem.

Every function checks its settings first (with :mod:`course_lib.validation`): a
negative, zero, infinite or NaN learning rate, a NaN starting point or a step count that
is not a whole number raises a ValueError that names the argument. Runs that blow up are
stopped and flagged (``diverged``), not crashed, and :func:`judge_descent` and
:func:`where_it_ended` say how a run went as small records (:class:`Verdict`,
:class:`Ending`), from which the panels' sentences are derived.

Introduced in notebook 05.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course_lib.validation import as_finite_array, as_finite_number, as_whole_number

#: Beyond this size a descent is declared diverged and stopped.
DIVERGENCE_LIMIT = 1e6


def as_learning_rate(learning_rate) -> float:
    """Return ``learning_rate`` as a float, or raise ValueError unless it is finite and positive."""
    return as_finite_number(learning_rate, "learning_rate", positive=True)


def as_start(start, size: int | None = None) -> np.ndarray:
    """Return a finite starting point as a float array (of ``size`` entries, if given)."""
    return as_finite_array(start, "the starting point", None if size is None else (size,))


def derivative(f: Callable[[float], float], x: float, eps: float = 1e-6) -> float:
    """Return the slope of ``f`` at ``x``, estimated by a central difference."""
    x, eps = as_finite_number(x, "x"), as_finite_number(eps, "eps", positive=True)
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@dataclass
class Descent:
    """A descent's path: the parameters after each step, their losses, and whether it blew up."""

    path: np.ndarray
    losses: np.ndarray
    diverged: bool = False

    @property
    def final(self):
        return self.path[-1]


def _run(step: Callable, loss: Callable, start: np.ndarray, steps: int) -> Descent:
    path, losses = [start.copy()], [float(loss(start))]
    w = start.copy()
    for _ in range(steps):
        w = step(w)
        if not np.all(np.isfinite(w)) or np.abs(w).max() > DIVERGENCE_LIMIT:
            return Descent(np.array(path), np.array(losses), diverged=True)
        path.append(w.copy())
        losses.append(float(loss(w)))
    return Descent(np.array(path), np.array(losses))


def gradient_descent(loss: Callable, gradient: Callable, start, *, learning_rate: float, steps: int) -> Descent:
    """Follow ``w <- w - learning_rate * gradient(w)`` for ``steps`` steps, from ``start``.

    Works for a number (1D) or an array of parameters.
    """
    learning_rate, steps = as_learning_rate(learning_rate), as_whole_number(steps, "steps", minimum=0)
    start = as_start(start)
    return _run(lambda w: w - learning_rate * gradient(w), loss, start, steps)


def momentum_descent(loss: Callable, gradient: Callable, start, *, learning_rate: float, momentum: float,
                     steps: int) -> Descent:
    """Gradient descent with the book's naive momentum update, one step being::

        velocity = past_velocity * momentum - learning_rate * gradient
        w = w + momentum * velocity - learning_rate * gradient
        past_velocity = velocity

    With ``momentum = 0`` it is plain gradient descent.
    """
    learning_rate, steps = as_learning_rate(learning_rate), as_whole_number(steps, "steps", minimum=0)
    momentum = as_finite_number(momentum, "momentum", minimum=0, maximum=1, below=True)
    start = as_start(start)
    state = {"velocity": np.zeros_like(start)}

    def step(w):
        g = gradient(w)
        velocity = state["velocity"] * momentum - learning_rate * g
        state["velocity"] = velocity
        return w + momentum * velocity - learning_rate * g

    return _run(step, loss, start, steps)


# --- example loss functions ----------------------------------------------------------------


def bowl(w):
    """An elongated bowl ``0.5 * (w0**2 + 10 * w1**2)``: steep across, shallow along."""
    w = np.asarray(w, dtype=float)
    return 0.5 * (w[..., 0] ** 2 + 10 * w[..., 1] ** 2)


def bowl_gradient(w):
    w = np.asarray(w, dtype=float)
    return np.array([w[0], 10 * w[1]])


def double_well(x):
    """A curve with a shallow local minimum (near x = 1.13) and a deeper global one (near x = -1.30)."""
    return x ** 4 - 3 * x ** 2 + x


def double_well_gradient(x):
    return 4 * x ** 3 - 6 * x + 1


# --- how a run went ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """How a gradient descent went: a short ``outcome`` and a sentence that explains it.

    ``outcome`` is one of ``"converged"``, ``"oscillating"``, ``"too slow"``,
    ``"diverging"`` (the loss grows) and ``"diverged"`` (stopped: the values blew up).
    """

    outcome: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.outcome}: {self.explanation}"


def judge_descent(run: Descent, minimum, tolerance: float = 1e-2) -> Verdict:
    """Classify a descent: diverged, converged, oscillating or still on its way."""
    if run.diverged:
        return Verdict("diverged", f"stopped after {len(run.path) - 1} steps, the steps overshoot more and more")
    if run.losses[-1] > run.losses[0]:
        return Verdict("diverging", "the loss grows, each step overshoots further")
    distance = np.abs(np.asarray(run.final) - minimum).max()
    if distance < tolerance:
        return Verdict("converged", f"{len(run.path) - 1} steps end within {tolerance} of the minimum")
    moves = np.diff(np.asarray(run.path).reshape(len(run.path), -1), axis=0)
    if len(moves) > 2 and (np.mean(np.sign(moves[1:]) != np.sign(moves[:-1]), axis=0) > 0.5).any():
        return Verdict("oscillating", "the steps jump back and forth across the valley")
    return Verdict("too slow", "still on its way after all the steps")


#: The double well's two minima (see :func:`double_well`) and how an ending near each is described.
DOUBLE_WELL_MINIMA = {"local minimum": (1.131, "stuck in the local minimum"),
                      "global minimum": (-1.301, "the global minimum")}


@dataclass(frozen=True)
class Ending:
    """Where a run on the double well ended: ``place`` and the final ``w`` (None if it diverged).

    ``place`` is ``"local minimum"``, ``"global minimum"``, ``"still moving"`` or ``"diverged"``.
    """

    place: str
    w: float | None = None

    def __str__(self) -> str:
        if self.w is None:
            return self.place
        words = DOUBLE_WELL_MINIMA[self.place][1] if self.place in DOUBLE_WELL_MINIMA else self.place
        return f"w = {self.w:.2f}: {words}"


def where_it_ended(run: Descent) -> Ending:
    """Name the minimum of the double well a descent ended in."""
    if run.diverged:
        return Ending("diverged")
    x = float(np.ravel(run.final)[0])
    for place, (where, _) in DOUBLE_WELL_MINIMA.items():
        if abs(x - where) < 0.05:
            return Ending(place, x)
    return Ending("still moving", x)


def descent_runs(learning_rate: float, steps: int, start_1d: float = 3.0, start_2d=(-3.0, 1.5)):
    """The two descents the sandbox shows: on ``w**2`` and on the elongated bowl."""
    one = gradient_descent(lambda w: w ** 2, lambda w: 2 * w, start_1d, learning_rate=learning_rate, steps=steps)
    two = gradient_descent(bowl, bowl_gradient, start_2d, learning_rate=learning_rate, steps=steps)
    return one, two


def momentum_runs(learning_rate: float, momentum: float, start: float = 2.0, steps: int = 100):
    """Plain descent and momentum descent from the same start on the double well."""
    kwargs = dict(learning_rate=learning_rate, steps=steps)
    plain = gradient_descent(double_well, double_well_gradient, start, **kwargs)
    moving = momentum_descent(double_well, double_well_gradient, start, momentum=momentum, **kwargs)
    return plain, moving


# --- mini-batch descent on a small regression problem --------------------------------------


def make_regression(n: int = 100, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.5, seed: int = 0):
    """Points ``y = slope * x + intercept + noise`` with ``x`` in [-1, 1]: returns ``(x, y)``."""
    n = as_whole_number(n, "n", minimum=1)
    slope, intercept = as_finite_number(slope, "slope"), as_finite_number(intercept, "intercept")
    noise = as_finite_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=n)
    return x, slope * x + intercept + rng.normal(scale=noise, size=n)


def mean_squared_error(params, x, y) -> float:
    """Loss of the line ``params = (slope, intercept)`` on the data."""
    slope, intercept = as_finite_array(params, "params", (2,))
    return float(np.mean((slope * np.asarray(x, float) + intercept - np.asarray(y, float)) ** 2))


@dataclass
class MiniBatchRun:
    """Full-data loss after every update of a mini-batch descent, and the parameters' path."""

    batch_size: int
    losses: list = field(default_factory=list)
    path: list = field(default_factory=list)


def minibatch_descent(x, y, *, batch_size: int, learning_rate: float = 0.1, updates: int = 100,
                      start=(0.0, 0.0), seed: int = 0) -> MiniBatchRun:
    """Fit a line by mini-batch SGD: each update uses ``batch_size`` random samples.

    ``batch_size=1`` is true SGD, ``batch_size=len(x)`` is (full) batch gradient descent.
    The loss recorded after each update is measured on all the data, so runs compare fairly.
    """
    learning_rate = as_learning_rate(learning_rate)
    updates = as_whole_number(updates, "updates", minimum=0)
    x, y = as_finite_array(x, "x", (None,)), as_finite_array(y, "y", (len(x),))
    batch_size = as_whole_number(batch_size, "batch_size", minimum=1, maximum=len(x))
    rng = np.random.default_rng(seed)
    params = as_start(start, size=2)
    run = MiniBatchRun(batch_size, [mean_squared_error(params, x, y)], [params.copy()])
    for _ in range(updates):
        batch = rng.choice(len(x), size=batch_size, replace=False)
        error = params[0] * x[batch] + params[1] - y[batch]
        grad = np.array([2 * np.mean(error * x[batch]), 2 * np.mean(error)])
        params = params - learning_rate * grad
        run.losses.append(mean_squared_error(params, x, y))
        run.path.append(params.copy())
    return run

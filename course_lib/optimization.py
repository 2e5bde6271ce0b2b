"""Gradient-based optimisation in plain NumPy: derivatives, gradient descent, momentum,
and mini-batch descent on a small regression problem.

Every function checks its settings first: a negative, zero, infinite or NaN learning
rate, a NaN starting point or a non-integer step count raises a ValueError that says
what to change. Runs that blow up are stopped and flagged (``diverged``), not crashed.

Introduced in notebook 05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

#: Beyond this size a descent is declared diverged and stopped.
DIVERGENCE_LIMIT = 1e6


def check_learning_rate(learning_rate: float) -> float:
    """Return ``learning_rate`` as a float, or raise ValueError unless it is finite and positive."""
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        raise ValueError(f"learning_rate must be a number; got {learning_rate!r}.") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"learning_rate must be a positive, finite number such as 0.1; got {learning_rate!r}.")
    return value


def check_steps(steps) -> int:
    """Return ``steps`` as an int, or raise ValueError unless it is a whole number >= 0."""
    if isinstance(steps, bool) or not float(steps).is_integer() or steps < 0:
        raise ValueError(f"steps must be a whole number of 0 or more; got {steps!r}.")
    return int(steps)


def check_start(start, size: int | None = None) -> np.ndarray:
    """Return a finite starting point as a float array (of ``size`` entries, if given)."""
    try:
        value = np.array(start, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"the starting point must be numbers; got {start!r}.") from None
    if size is not None and value.shape != (size,):
        raise ValueError(f"the starting point must have {size} entries; got shape {value.shape}.")
    if not np.all(np.isfinite(value)):
        raise ValueError(f"the starting point must be finite (no NaN or infinity); got {start!r}.")
    return value


def derivative(f: Callable[[float], float], x: float, eps: float = 1e-6) -> float:
    """Return the slope of ``f`` at ``x``, estimated by a central difference."""
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
    learning_rate, steps = check_learning_rate(learning_rate), check_steps(steps)
    start = check_start(start)
    return _run(lambda w: w - learning_rate * gradient(w), loss, start, steps)


def momentum_descent(loss: Callable, gradient: Callable, start, *, learning_rate: float, momentum: float,
                     steps: int) -> Descent:
    """Gradient descent with the book's naive momentum update, one step being::

        velocity = past_velocity * momentum - learning_rate * gradient
        w = w + momentum * velocity - learning_rate * gradient
        past_velocity = velocity

    With ``momentum = 0`` it is plain gradient descent.
    """
    learning_rate, steps = check_learning_rate(learning_rate), check_steps(steps)
    if not (isinstance(momentum, (int, float, np.floating)) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be a number from 0 up to (not including) 1; got {momentum!r}.")
    start = check_start(start)
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


# --- mini-batch descent on a small regression problem --------------------------------------


def make_regression(n: int = 100, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.5, seed: int = 0):
    """Points ``y = slope * x + intercept + noise`` with ``x`` in [-1, 1]: returns ``(x, y)``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=n)
    return x, slope * x + intercept + rng.normal(scale=noise, size=n)


def mean_squared_error(params, x, y) -> float:
    """Loss of the line ``params = (slope, intercept)`` on the data."""
    slope, intercept = params
    return float(np.mean((slope * x + intercept - y) ** 2))


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
    learning_rate = check_learning_rate(learning_rate)
    updates = check_steps(updates)
    x, y = np.asarray(x, float), np.asarray(y, float)
    if not (isinstance(batch_size, (int, np.integer)) and 1 <= batch_size <= len(x)):
        raise ValueError(f"batch_size must be a whole number from 1 to {len(x)}; got {batch_size!r}.")
    rng = np.random.default_rng(seed)
    params = check_start(start, size=2)
    run = MiniBatchRun(batch_size, [mean_squared_error(params, x, y)], [params.copy()])
    for _ in range(updates):
        batch = rng.choice(len(x), size=batch_size, replace=False)
        error = params[0] * x[batch] + params[1] - y[batch]
        grad = np.array([2 * np.mean(error * x[batch]), 2 * np.mean(error)])
        params = params - learning_rate * grad
        run.losses.append(mean_squared_error(params, x, y))
        run.path.append(params.copy())
    return run

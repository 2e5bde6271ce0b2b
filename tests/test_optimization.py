"""Derivatives, gradient descent, momentum and mini-batches: hand-checked steps and clear errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import optimization as opt

SETTINGS = settings(max_examples=50, deadline=None)


@SETTINGS
@given(st.floats(-6, 6))
def test_derivative_of_cos_is_minus_sin(x):
    assert math.isclose(opt.derivative(np.cos, x), -math.sin(x), abs_tol=1e-6)


@SETTINGS
@given(st.floats(-10, 10), st.floats(-10, 10))
def test_derivative_of_a_line_is_its_slope(a, x):
    assert math.isclose(opt.derivative(lambda t: a * t, x), a, abs_tol=1e-6)


def test_gradient_descent_first_steps_by_hand():
    run = opt.gradient_descent(lambda w: w ** 2, lambda w: 2 * w, 3.0, learning_rate=0.1, steps=2)
    np.testing.assert_allclose(np.ravel(run.path), [3.0, 2.4, 1.92])
    np.testing.assert_allclose(run.losses, [9.0, 5.76, 3.6864])
    assert not run.diverged


def test_gradient_descent_on_the_bowl_in_2d():
    run = opt.gradient_descent(opt.bowl, opt.bowl_gradient, [-3.0, 1.5], learning_rate=0.05, steps=1)
    np.testing.assert_allclose(run.path[1], [-3.0 + 0.05 * 3.0, 1.5 - 0.05 * 15.0])


def test_momentum_first_two_steps_by_hand():
    lr, m, w = 0.02, 0.9, 2.0
    g0 = 4 * w ** 3 - 6 * w + 1
    v1 = 0 * m - lr * g0
    w1 = w + m * v1 - lr * g0
    g1 = 4 * w1 ** 3 - 6 * w1 + 1
    v2 = v1 * m - lr * g1
    w2 = w1 + m * v2 - lr * g1
    run = opt.momentum_descent(opt.double_well, opt.double_well_gradient, 2.0, learning_rate=lr, momentum=m, steps=2)
    np.testing.assert_allclose(np.ravel(run.path), [2.0, w1, w2])
    assert math.isclose(w1, 1.202)


def test_zero_momentum_is_plain_descent():
    kwargs = dict(learning_rate=0.03, steps=25)
    plain = opt.gradient_descent(opt.double_well, opt.double_well_gradient, 1.7, **kwargs)
    zero = opt.momentum_descent(opt.double_well, opt.double_well_gradient, 1.7, momentum=0.0, **kwargs)
    np.testing.assert_allclose(plain.path, zero.path)


def test_momentum_escapes_the_local_minimum_where_plain_descent_stops():
    kwargs = dict(learning_rate=0.02, steps=100)
    plain = opt.gradient_descent(opt.double_well, opt.double_well_gradient, 2.0, **kwargs)
    moving = opt.momentum_descent(opt.double_well, opt.double_well_gradient, 2.0, momentum=0.9, **kwargs)
    assert abs(float(plain.final) - 1.131) < 0.01 and abs(float(moving.final) + 1.301) < 0.01


def test_divergence_is_stopped_and_flagged():
    run = opt.gradient_descent(lambda w: w ** 2, lambda w: 2 * w, 3.0, learning_rate=1.5, steps=500)
    assert run.diverged and len(run.path) < 500 and np.all(np.isfinite(run.path))


@pytest.mark.parametrize("learning_rate", [-0.1, 0, float("nan"), float("inf"), "fast", None])
def test_bad_learning_rates_are_refused(learning_rate):
    with pytest.raises(ValueError, match="learning_rate must be"):
        opt.gradient_descent(lambda w: w ** 2, lambda w: 2 * w, 1.0, learning_rate=learning_rate, steps=3)


@pytest.mark.parametrize("steps", [-1, 2.5, True])
def test_bad_step_counts_are_refused(steps):
    with pytest.raises(ValueError, match="steps must be a whole number"):
        opt.gradient_descent(lambda w: w ** 2, lambda w: 2 * w, 1.0, learning_rate=0.1, steps=steps)


@pytest.mark.parametrize("start", [float("nan"), [1.0, float("inf")], "here"])
def test_bad_starting_points_are_refused(start):
    with pytest.raises(ValueError, match="starting point"):
        opt.gradient_descent(opt.bowl, opt.bowl_gradient, start, learning_rate=0.1, steps=3)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5, float("nan"), "lots"])
def test_bad_momentum_is_refused(momentum):
    with pytest.raises(ValueError, match="momentum must be a number from 0"):
        opt.momentum_descent(opt.double_well, opt.double_well_gradient, 1.0, learning_rate=0.01, momentum=momentum,
                             steps=2)


def test_full_batch_descent_is_deterministic_gradient_descent():
    x, y = opt.make_regression(n=50, seed=1)
    a = opt.minibatch_descent(x, y, batch_size=50, learning_rate=0.1, updates=30, seed=0)
    b = opt.minibatch_descent(x, y, batch_size=50, learning_rate=0.1, updates=30, seed=99)
    np.testing.assert_allclose(a.losses, b.losses)  # the whole data set, whatever the seed
    assert all(later <= earlier + 1e-12 for earlier, later in zip(a.losses, a.losses[1:]))


def test_every_batch_size_fits_the_line_and_small_batches_are_noisier():
    x, y = opt.make_regression(n=100, slope=2.0, intercept=1.0, noise=0.5, seed=0)
    runs = {bs: opt.minibatch_descent(x, y, batch_size=bs, learning_rate=0.1, updates=80, seed=0)
            for bs in (1, 10, 100)}
    for run in runs.values():
        slope, intercept = run.path[-1]
        assert abs(slope - 2) < 0.3 and abs(intercept - 1) < 0.3
    jitter = {bs: np.std(np.diff(run.losses[-20:])) for bs, run in runs.items()}
    assert jitter[1] > jitter[10] > jitter[100]


@pytest.mark.parametrize("batch_size", [0, 101, 2.5, "all"])
def test_bad_batch_sizes_are_refused(batch_size):
    x, y = opt.make_regression(n=100)
    with pytest.raises(ValueError, match="batch_size must be a whole number from 1 to 100"):
        opt.minibatch_descent(x, y, batch_size=batch_size)


@pytest.mark.parametrize("learning_rate, one, two", [
    (0.05, "too slow", "too slow"), (0.3, "converged", "diverging"),
    (0.95, "oscillating", "diverged"), (1.05, "diverging", "diverged"),
])
def test_verdicts_name_what_the_learning_rate_does(learning_rate, one, two):
    run_1d, run_2d = opt.descent_runs(learning_rate, 12)
    assert opt.judge_descent(run_1d, 0.0).outcome == one
    assert opt.judge_descent(run_2d, np.zeros(2)).outcome == two


def test_a_verdict_reads_as_outcome_then_explanation():
    verdict = opt.judge_descent(opt.descent_runs(0.3, 12)[0], 0.0)
    assert str(verdict) == f"{verdict.outcome}: {verdict.explanation}" and verdict.outcome == "converged"


def test_where_it_ended():
    plain, moving = opt.momentum_runs(0.02, 0.9)
    assert opt.where_it_ended(plain) == opt.Ending("local minimum", pytest.approx(1.131, abs=0.05))
    assert str(opt.where_it_ended(plain)) == "w = 1.13: stuck in the local minimum"
    assert str(opt.where_it_ended(moving)) == "w = -1.30: the global minimum"
    assert opt.where_it_ended(opt.gradient_descent(opt.double_well, opt.double_well_gradient, 2.0,
                                                   learning_rate=0.5, steps=50)) == opt.Ending("diverged")

"""The optimisation panels driven without a browser: controls change picture and text."""

import time

import numpy as np

from course_lib.panels.optimization import DerivativeExplorer, DescentSandbox, MomentumSandbox


def test_derivative_explorer_follows_the_point_and_the_curve(png_of):
    panel = DerivativeExplorer()
    before = png_of(panel)
    panel.p.value = 0.0
    assert panel.slope == 0.0 and "flat here" in panel.text.value and png_of(panel) != before
    panel.curve.value = "0.5 * x"
    assert panel.slope == 0.5 and panel.summary() == "DerivativeExplorer: f(x) = 0.5 * x, p = 0.00, slope 0.50"


def test_descent_sandbox_verdicts_follow_the_learning_rate(png_of):
    panel = DescentSandbox()
    assert panel.verdicts[0].outcome == "too slow"
    before = png_of(panel)
    panel.learning_rate.value = 1.2
    assert panel.verdicts[0].outcome in ("diverging", "diverged") and panel.verdicts[1].outcome == "diverged"
    assert png_of(panel) != before and panel.view.figure is panel.ax_1d.figure
    panel.steps.value = 3
    assert "3 steps" in panel.summary()


def test_momentum_sandbox_compares_both_runs():
    panel = MomentumSandbox()
    assert "momentum w = -1.30: the global minimum" in panel.summary()
    panel.momentum.value = 0.0
    assert "momentum w = 1.13: stuck" in panel.summary()
    np.testing.assert_allclose(panel.plain.path, panel.moving.path)


def test_a_million_steps_from_the_page_are_capped_at_once():
    panel = DescentSandbox()
    start = time.perf_counter()
    # What a client can send: first widen the slider, then ask for the run (the kernel took 18 s before).
    panel.steps.set_state({"max": 1_000_000, "value": 1_000_000})
    assert time.perf_counter() - start < 2
    assert panel.steps.value == panel.MAX_STEPS == 60 and panel.steps.max == 60
    assert "steps must be a whole number from 1 to 60; got 1000000, so it is set to 60" in panel.error
    assert "'max' cannot be changed from the page" in panel.error
    assert panel.summary().startswith("DescentSandbox: learning rate 0.100, 60 steps")
    start = time.perf_counter()
    panel.steps.max = 1_000_000  # the same in Python (a notebook cell)
    panel.steps.value = 1_000_000
    assert time.perf_counter() - start < 2 and panel.steps.value == 60 and panel.steps.max == 60
    assert "max cannot change" in panel.error and "set to 60" in panel.error


def test_momentum_and_derivative_panels_refuse_values_past_their_sliders():
    panel = MomentumSandbox()
    panel.momentum.set_state({"value": 5.0})
    assert panel.momentum.value == 0.95 and "momentum must be a number from 0 to 0.95; got 5.0" in panel.error
    assert "momentum 0.95" in panel.summary()
    explorer = DerivativeExplorer()
    explorer.p.set_state({"value": "1"})
    assert explorer.p.value == 1.0
    assert explorer.error == "point p must be a number from -2.2 to 2.2; got '1'. It stays at 1.0."
    explorer.curve.set_state({"index": len(explorer.curve.options)})
    assert explorer.curve.value == "cos(x)" and "the curve f(x) must be one of its" in explorer.error

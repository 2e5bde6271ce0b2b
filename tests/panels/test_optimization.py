"""The optimisation panels driven without a browser: controls change picture and text."""

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

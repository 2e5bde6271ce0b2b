"""Chapter 5's panels driven without a browser: controls change picture and text; garbage is explained."""

import numpy as np

from course_lib.widgets import DerivativeExplorer, DescentSandbox, GraphStepper, MomentumSandbox


def png(panel):
    return bytes(panel.view.image.value)


def test_derivative_explorer_follows_the_point_and_the_curve():
    panel = DerivativeExplorer()
    before = png(panel)
    panel.p.value = 0.0
    assert panel.slope == 0.0 and "flat here" in panel.text.value and png(panel) != before
    panel.curve.value = "0.5 * x"
    assert panel.slope == 0.5 and panel.summary() == "DerivativeExplorer: f(x) = 0.5 * x, p = 0.00, slope 0.50"


def test_descent_sandbox_verdicts_follow_the_learning_rate():
    panel = DescentSandbox()
    assert panel.verdicts[0].startswith("too slow")
    before = png(panel)
    panel.learning_rate.value = 1.2
    assert panel.verdicts[0].startswith("diverg") and panel.verdicts[1].startswith("diverged")
    assert png(panel) != before and panel.view.figure is panel.ax_1d.figure
    panel.steps.value = 3
    assert "3 steps" in panel.summary()


def test_momentum_sandbox_compares_both_runs():
    panel = MomentumSandbox()
    assert "momentum w = -1.30: the global minimum" in panel.summary()
    panel.momentum.value = 0.0
    assert "momentum w = 1.13: stuck" in panel.summary()
    np.testing.assert_allclose(panel.plain.path, panel.moving.path)


def test_graph_stepper_walks_forward_and_back_within_bounds():
    panel = GraphStepper()
    assert panel.position == 0 and panel.previous.disabled
    panel.previous.click()
    assert panel.position == 0
    for _ in range(3):
        panel.next.click()
    assert panel.step.text == "loss = |y_true - x2| = |4 - 7| = 3"
    panel.to_end.click()
    assert panel.next.disabled and panel.step.grads["w"] == 2
    panel.next.click()
    assert panel.position == len(panel.steps) - 1
    panel.to_start.click()
    assert panel.position == 0


def test_graph_stepper_explains_garbage_and_recovers():
    panel = GraphStepper()
    panel.to_end.click()
    picture = png(panel)
    panel.entries["w"].value = "three"
    assert "w: 'three' is not a number" in panel.error and "&#9888;" in panel.message.value
    assert png(panel) == picture  # the last valid graph stays
    panel.entries["w"].value = "nan"
    assert "NaN is not allowed" in panel.error
    panel.entries["w"].value = "5"
    assert panel.error is None
    panel.to_end.click()
    assert panel.graph.nodes["loss"].value == 7 and panel.step.grads["w"] == 2


def test_graph_stepper_switches_examples():
    panel = GraphStepper()
    panel.example.value = "y = x * x + x (several paths)"
    assert list(panel.entries) == ["x"]
    panel.to_end.click()
    assert panel.step.grads["x"] == 7

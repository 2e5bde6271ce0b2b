"""Widgets driven without a browser: controls update the picture and text in place, and
garbage typed in produces a message, never an exception, with the panel still working."""

import numpy as np
import pytest

from course_lib import geometry as geo
from course_lib.panels.geometry import CompositionPanel, TransformLab, TranslationLab, UncrumplingView, VectorAddition


def test_transform_lab_starts_as_identity():
    lab = TransformLab()
    np.testing.assert_array_equal(lab.W, np.eye(2))
    np.testing.assert_array_equal(lab.transformed.points, geo.letter_f().points)
    assert lab.summary() == "TransformLab: W = [[1, 0], [0, 1]], b = [0, 0], relu off"
    assert "y = W @ x + b" in lab.code.value


def test_sliders_update_points_code_and_picture_in_place(png_of):
    lab = TransformLab()
    figure, lines, before = lab.view.figure, len(lab.view.ax.lines), png_of(lab)
    renders = lab.view.renders
    lab.angle.value = 90
    np.testing.assert_allclose(lab.W, [[0, -1], [1, 0]], atol=1e-12)
    np.testing.assert_allclose(lab.transformed.points, geo.linear(geo.letter_f().points, lab.W), atol=1e-12)
    assert "W = np.array([[0, -1], [1, 0]])" in lab.code.value
    assert png_of(lab) != before and lab.view.renders == renders + 1
    assert lab.view.figure is figure and len(lab.view.ax.lines) == lines  # moved, not redrawn


def test_scale_matrix_translation_and_relu_combine_as_documented():
    lab = TransformLab()
    lab.angle.value = 30
    lab.scale_x.value, lab.scale_y.value = 2.0, 0.5
    lab.entries[0][1].value = "1"
    lab.b_x.value, lab.b_y.value = 0.5, -1.0
    lab.use_relu.value = True
    M = np.array([[1, 1], [0, 1]])
    expected_W = M @ geo.scaling_matrix(2, 0.5) @ geo.rotation_matrix(30)
    np.testing.assert_allclose(lab.W, expected_W)
    np.testing.assert_allclose(lab.b, [0.5, -1.0])
    points = geo.letter_f().points
    np.testing.assert_allclose(lab.transformed.points, np.maximum(points @ expected_W.T + [0.5, -1.0], 0))
    assert "y = np.maximum(W @ x + b, 0)" in lab.code.value and lab.summary().endswith("relu on")


@pytest.mark.parametrize("garbage, message", [
    ("abc", "'abc' is not a number"), ("", "is empty"), ("nan", "NaN is not allowed"),
    ("inf", "infinite value"), ("1e999", "infinite value"), ("2..5", "is not a number"),
])
def test_garbage_in_the_matrix_shows_a_message_and_keeps_the_last_picture(garbage, message, png_of):
    lab = TransformLab()
    lab.angle.value = 45
    W_before, picture = lab.W.copy(), png_of(lab)
    lab.entries[1][0].value = garbage  # must not raise
    assert lab.error and message in lab.error and "W[1, 0]" in lab.error
    assert message.split("'")[0] in lab.message.value or "W[1, 0]" in lab.message.value
    np.testing.assert_array_equal(lab.W, W_before)
    assert png_of(lab) == picture
    lab.angle.value = 90  # other controls still respond ... with the entry still bad: message stays
    assert lab.error
    lab.entries[1][0].value = "0"  # fixed: the lab works again
    assert lab.error is None and lab.message.value == ""
    np.testing.assert_allclose(lab.W, geo.rotation_matrix(90), atol=1e-12)


def test_reset_returns_to_identity():
    lab = TransformLab()
    lab.angle.value, lab.b_x.value = 60, 1.0
    lab.entries[0][0].value = "oops"
    lab.reset()
    assert lab.error is None
    np.testing.assert_array_equal(lab.W, np.eye(2))
    assert lab.summary() == "TransformLab: W = [[1, 0], [0, 1]], b = [0, 0], relu off"


def test_display_bundle_has_widget_snapshot_and_text(is_png):
    lab = TransformLab()
    bundle = lab._repr_mimebundle_()
    assert bundle["text/plain"] == lab.summary()
    assert is_png(bundle["image/png"])
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == lab.widget.model_id


def test_vector_addition_follows_its_sliders(png_of):
    panel = VectorAddition()
    assert panel.summary() == "VectorAddition: A = [0.5, 1], B = [1, 0.25], A + B = [1.5, 1.25]"
    before = png_of(panel)
    panel.b_x.value = -1.0
    assert "A + B = [-0.5, 1.25]" in panel.text.value and png_of(panel) != before
    np.testing.assert_allclose(panel.arrows["B"].get_offsets()[0], [0.5, 1.0])


def test_translation_lab_moves_every_point_by_b():
    panel = TranslationLab()
    panel.b_x.value, panel.b_y.value = -0.7, -1.0
    np.testing.assert_allclose(panel.transformed.points, geo.letter_f().points + [-0.7, -1.0])
    assert panel.summary() == "TranslationLab: b = [-0.7, -1]"


def test_uncrumpling_view_steps_through_layers_and_training():
    points, labels = geo.make_moons(100, seed=0)
    run = geo.train_tiny_network(points, labels, layers=3, steps=300, seed=1, snapshots=4)
    view = UncrumplingView(run, points, labels)
    assert view.summary().startswith("UncrumplingView: layer 3 of 3, training step 300")
    assert view.decision.get_visible()
    view.layer.value = 0
    np.testing.assert_allclose(view.scatter.get_offsets(), points)
    assert not view.decision.get_visible()
    view.layer.value = 2
    view.step.value = 0
    np.testing.assert_allclose(view.scatter.get_offsets(), run.snapshots[0][1].layer_outputs(points)[2])
    assert "training step 0" in view.view.ax.get_title()


def test_uncrumpling_view_needs_snapshots():
    points, labels = geo.make_moons(10)
    empty = geo.TrainingRun(network=None, losses=[], accuracies=[], snapshots=[])
    with pytest.raises(ValueError, match="no snapshots"):
        UncrumplingView(empty, points, labels)


def test_composition_panel_collapses_until_relu_is_ticked():
    panel = CompositionPanel()
    assert panel.gap < 1e-9 and "they coincide" in panel.view.ax.get_title()
    picture = bytes(panel.view.image.value)
    panel.relu_between.value = True
    assert panel.gap > 0.1 and bytes(panel.view.image.value) != picture
    panel.angle.value = -90
    assert "W = W2 @ W1" in panel.text.value and panel.summary().startswith("CompositionPanel: with relu between")


def test_transform_lab_refuses_huge_entries_and_page_values_past_the_sliders(png_of):
    lab = TransformLab()
    picture = png_of(lab)
    lab.entries[0][1].set_state({"value": "1e308"})  # finite, but W @ x would overflow
    assert lab.error.startswith("W[0, 1] must be a number from -1000 to 1000; got 1e+308.")
    np.testing.assert_array_equal(lab.W, np.eye(2))
    assert png_of(lab) == picture
    lab.entries[0][1].set_state({"value": "0"})
    lab.angle.set_state({"value": 1e9})
    assert lab.angle.value == 180 and "rotate R (°) must be a number from -180 to 180; got 1000000000.0" in lab.error
    np.testing.assert_allclose(lab.W, geo.rotation_matrix(180), atol=1e-12)
    lab.use_relu.set_state({"value": "yes"})
    assert lab.use_relu.value is False and "apply relu after must be on or off" in lab.error
    lab.reset_button.click()
    assert lab.error is None and lab.summary() == "TransformLab: W = [[1, 0], [0, 1]], b = [0, 0], relu off"


def test_every_geometry_panel_shows_its_message_line():
    points, labels = geo.make_moons(20, seed=0)
    run = geo.train_tiny_network(points, labels, layers=2, steps=10, seed=1, snapshots=2)
    for panel in (VectorAddition(), TranslationLab(), CompositionPanel(), UncrumplingView(run, points, labels)):
        shown = []
        todo = [panel.widget]
        while todo:
            widget = todo.pop()
            shown.append(widget)
            todo += list(getattr(widget, "children", ()))
        assert any(widget is panel.message for widget in shown), type(panel).__name__
    view = UncrumplingView(run, points, labels)
    view.step.set_state({"index": 99})
    assert view.step.value == 10
    assert "training step must be one of its 2 choices; got 99. It stays at '10'." in view.error

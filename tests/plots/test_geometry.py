"""Static geometry figures: titled, with both shapes drawn, and the composition shown right."""

import numpy as np

from course_lib import geometry as geo
from course_lib.plots import geometry as gp


def test_format_matrix_and_vector_round_and_drop_negative_zero():
    assert gp.format_matrix(geo.rotation_matrix(90)) == "[[0, -1], [1, 0]]"
    assert gp.format_vector([-0.0001, 1.23456]) == "[0, 1.23]"


def test_plot_transform_draws_before_and_after():
    f = geo.letter_f()
    fig = gp.plot_transform(f, f.map(lambda p: p + 1), title="moved")
    ax = fig.axes[0]
    assert ax.get_title() == "moved" and len(ax.lines) >= 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["before", "after"]


def test_plot_transforms_one_panel_per_map():
    fig = gp.plot_transforms(geo.letter_f(), {"a": lambda p: p, "b": geo.relu}, suptitle="S")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"] and fig._suptitle.get_text() == "S"


def test_plot_vectors_titles_the_sum():
    fig = gp.plot_vectors([0.5, 1], [1, 0.25])
    assert fig.axes[0].get_title() == "A = [0.5, 1], B = [1, 0.25], A + B = [1.5, 1.25]"


def test_plot_composition_overlays_two_step_and_one_step():
    W1, b1, W2, b2 = [[1, 0.5], [0, 1]], [-0.3, -0.4], geo.rotation_matrix(60), [0.5, 0]
    fig = gp.plot_composition(geo.letter_f(), W1, b1, W2, b2)
    middle, right = fig.axes[1], fig.axes[2]

    def line(ax, label):
        return next(artist for artist in ax.lines if artist.get_label() == label).get_xydata()

    np.testing.assert_allclose(line(middle, "two layers"), line(middle, "one layer: W, b"), atol=1e-12)
    assert not np.allclose(line(right, "relu between"), line(right, "one layer: W, b"))
    assert "no longer one map" in right.get_title()


def test_plot_layers_one_panel_per_stage_with_decision_line():
    points, labels = geo.make_moons(60, seed=0)
    run = geo.train_tiny_network(points, labels, layers=3, steps=50, seed=0)
    fig = gp.plot_layers(run.network, points, labels)
    assert [ax.get_title() for ax in fig.axes] == ["input", "after layer 1", "after layer 2", "after layer 3"]
    assert "Uncrumpling two moons" in fig._suptitle.get_text()
    assert fig.axes[-1].lines[-1].get_color() == "black"

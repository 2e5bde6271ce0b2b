"""Figures of chapter 5: verdicts in words, titled panels, the graph drawn with its numbers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import graph as G
from course_lib import graph_plots as gp
from course_lib import optimization as opt
from course_lib import optimization_plots as op


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("learning_rate, one, two", [
    (0.05, "too slow", "too slow"), (0.3, "converged", "diverging"),
    (0.95, "oscillating", "diverged"), (1.05, "diverging", "diverged"),
])
def test_verdicts_name_what_the_learning_rate_does(learning_rate, one, two):
    run_1d, run_2d = op.descent_runs(learning_rate, 12)
    assert op.verdict(run_1d, 0.0).startswith(one)
    assert op.verdict(run_2d, np.zeros(2)).startswith(two)


def test_describe_slope_in_words():
    assert op.describe_slope(0.0).startswith("flat here")
    assert "f falls steeply" in op.describe_slope(-3.0)
    assert "f rises gently" in op.describe_slope(0.2)


def test_where_it_ended():
    plain, moving = op.momentum_runs(0.02, 0.9)
    assert op.where_it_ended(plain) == "w = 1.13: stuck in the local minimum"
    assert op.where_it_ended(moving) == "w = -1.30: the global minimum"


def test_figures_are_titled():
    assert op.plot_derivative("cos(x)", [0.0, 1.5]).axes[1].get_title() == "at p = 1.50: slope a = -1.00"
    fig = op.plot_learning_rates([0.05, 1.05])
    assert fig.axes[0].get_title() == "learning rate 0.05\ntoo slow" and len(fig.axes) == 4
    assert "plain: w = 1.13" in op.plot_momentum().axes[0].get_title()
    x, y = opt.make_regression()
    ax = op.plot_minibatch_comparison(x, y).axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "true SGD (batch_size=1)"


def test_graph_drawing_shows_values_local_derivatives_and_gradients():
    fig = gp.plot_graph(G.curriculum_example())
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "w\n= 3" in texts and "loss\n|y_true - x2|\n= 3" in texts
    assert texts.count("grad 2") == 1 and texts.count("grad 1") == 4  # w; loss, x2, x1, b
    assert sorted(t for t in texts if t in {"1", "2"}) == ["1", "1", "1", "2"]


def test_graph_drawing_at_a_forward_step_shows_only_what_is_known():
    g = G.curriculum_example()
    step = g.steps()[1]  # x1 computed, nothing else
    fig, ax = plt.subplots()
    gp.draw_graph(ax, g, step)
    texts = [t.get_text() for t in ax.texts]
    assert "x1\nx * w\n= 6" in texts and "x2\nx1 + b" in texts
    assert not any(t.startswith("grad") for t in texts)


def test_layout_puts_operations_left_to_right():
    pos = gp.layout(G.curriculum_example())
    assert pos["x1"][0] < pos["x2"][0] < pos["loss"][0]
    assert pos["w"][0] < pos["x1"][0] and pos["b"][0] == pos["x1"][0]  # b sits just before what it feeds

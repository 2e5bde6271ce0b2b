"""The computation graph drawn with its numbers: values, local derivatives, gradients, and
operation labels taken from the engine's table of operations."""

import dataclasses

import matplotlib.pyplot as plt

from course_lib import graph as G
from course_lib.plots import graph as gp


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


def drawn_texts(graph):
    return [t.get_text() for t in gp.plot_graph(graph).axes[0].texts]


def test_operation_labels_come_from_the_table(monkeypatch):
    multiply = G.OPERATIONS["multiply"]
    monkeypatch.setitem(G.OPERATIONS, "multiply", dataclasses.replace(multiply, formula="{0} times {1}"))
    texts = drawn_texts(G.curriculum_example())
    assert "x1\nx times w\n= 6" in texts and "x2\nx1 + b\n= 7" in texts


def test_an_operation_added_to_the_table_is_drawn(graph_with_subtract):
    g = graph_with_subtract
    g.multiply("y", "d", "d")
    texts = drawn_texts(g)
    assert "d\na - b\n= 3" in texts and "y\nd * d\n= 9" in texts
    assert "grad -6" in texts  # grad(y, b) = 2d x (-1)
    pos = gp.layout(g)
    assert pos["a"][0] < pos["d"][0] < pos["y"][0]  # laid out as an operation


def test_two_layer_model_graph_shows_every_node_and_the_backward_pass():
    fig = gp.plot_two_layer_model()
    texts = [t.get_text() for t in fig.axes[0].texts]
    for name, *_ in gp.TWO_LAYER_NODES:
        assert name in texts
    assert any(t.startswith("backward pass") for t in texts)
    # one arrow per edge plus the backward arrow
    assert len(fig.axes[0].texts) == len(gp.TWO_LAYER_NODES) + 1 + len(gp.TWO_LAYER_EDGES) + 1
    assert "softmax" in fig.alt_text and "y_true" in fig.alt_text
    plt.close(fig)

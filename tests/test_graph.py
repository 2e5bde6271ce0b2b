"""The computation-graph engine: the curriculum's numbers, the sum rule over paths, and
gradients equal to finite differences and to tf.GradientTape on random graphs."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import graph as G


def test_curriculum_example_numbers():
    g = G.curriculum_example(x=2, w=3, b=1, y_true=4)
    assert g.forward() == 3
    assert {n: g.nodes[n].value for n in ("x1", "x2", "loss")} == {"x1": 6, "x2": 7, "loss": 3}
    grads = g.backward()
    assert (grads["w"], grads["b"]) == (2, 1)
    last = g.steps()[-1]
    assert sorted(last.local.values()) == [1, 1, 1, 2]  # the four edge derivatives of the chapter
    assert "x" not in grads and "y_true" not in grads  # data needs no gradient


def test_prediction_below_target_flips_the_sign():
    grads = G.curriculum_example(y_true=10).backward()
    assert (grads["w"], grads["b"]) == (-2, -1)


def test_several_paths_are_summed():
    g = G.two_paths_example(x=3)
    assert g.forward() == 12 and g.backward()["x"] == 7
    texts = [s.text for s in g.steps()]
    assert any("(another path: 4 + 3)" in t for t in texts)
    assert any("(as input 2)" in t for t in texts)


def test_steps_record_both_passes_in_order():
    steps = G.curriculum_example().steps()
    phases = [s.phase for s in steps]
    assert phases == ["forward"] * 4 + ["backward"] * 5
    assert steps[1].text == "x1 = x * w = 2 * 3 = 6"
    assert steps[3].text == "loss = |y_true - x2| = |4 - 7| = 3"
    assert steps[-1].grads["w"] == 2 and len(steps[-1].local) == 4
    assert steps[1].values["x1"] == 6 and "x2" not in steps[1].values  # only what is known so far


def test_changing_an_input_and_recomputing():
    g = G.curriculum_example()
    g.set_value("w", 5)
    assert g.forward() == 7 and g.backward()["w"] == 2


@pytest.mark.parametrize("build, message", [
    (lambda g: (g.constant("x", 1), g.constant("x", 2)), "already a node called 'x'"),
    (lambda g: g.add("y", "a", "b"), "uses 'a', which is not in the graph yet"),
    (lambda g: g.variable("w", float("nan")), "w must be a finite number"),
    (lambda g: g.variable("w", "three"), "w must be a number"),
    (lambda g: g.constant("", 1), "non-empty name"),
    (lambda g: (g.variable("w", 1), g.add("y", "w", "w"), g.set_value("y", 3)), "computed by the graph"),
])
def test_bad_building_gets_clear_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build(G.Graph())


def test_empty_graph_has_no_output():
    with pytest.raises(ValueError, match="empty"):
        G.Graph().output


@st.composite
def random_graphs(draw):
    """A random graph of adds and multiplies over 1-3 variables (smooth, so finite differences apply)."""
    g = G.Graph()
    names = []
    for i in range(draw(st.integers(1, 3))):
        names.append(g.variable(f"v{i}", draw(st.floats(-2, 2))))
    for i in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["add", "multiply"]))
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        names.append(getattr(g, op)(f"n{i}", a, b))
    g.forward()
    return g


def finite_difference(g, name, eps=1e-6):
    base = g.nodes[name].value
    g.set_value(name, base + eps)
    up = g.forward()
    g.set_value(name, base - eps)
    down = g.forward()
    g.set_value(name, base)
    g.forward()
    return (up - down) / (2 * eps)


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_backward_equals_finite_differences_on_random_graphs(g):
    grads = g.backward()
    for name, node in g.nodes.items():
        if node.kind == "variable":
            expected = finite_difference(g, name)
            assert math.isclose(grads.get(name, 0.0), expected, rel_tol=1e-4, abs_tol=1e-4), (name, grads, expected)


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(random_graphs())
def test_backward_equals_gradient_tape_on_random_graphs(g):
    from course_lib.backend import quiet_tensorflow_logs

    quiet_tensorflow_logs()
    import tensorflow as tf

    variables = {n: tf.Variable(node.value, dtype=tf.float64) for n, node in g.nodes.items() if node.kind == "variable"}
    with tf.GradientTape() as tape:
        values = dict(variables)
        for name, node in g.nodes.items():
            if node.kind == "add":
                values[name] = values[node.inputs[0]] + values[node.inputs[1]]
            elif node.kind == "multiply":
                values[name] = values[node.inputs[0]] * values[node.inputs[1]]
        output = values[g.output]
    tape_grads = tape.gradient(output, list(variables.values()), unconnected_gradients=tf.UnconnectedGradients.ZERO)
    ours = g.backward()
    for name, tape_grad in zip(variables, tape_grads):
        assert math.isclose(ours.get(name, 0.0), float(tape_grad), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.slow
def test_curriculum_example_matches_gradient_tape():
    from course_lib.backend import quiet_tensorflow_logs

    quiet_tensorflow_logs()
    import tensorflow as tf

    w, b = tf.Variable(3.0), tf.Variable(1.0)
    with tf.GradientTape() as tape:
        loss = tf.abs(4.0 - (2.0 * w + b))
    tape_w, tape_b = tape.gradient(loss, [w, b])
    ours = G.curriculum_example().backward()
    assert (float(tape_w), float(tape_b)) == (ours["w"], ours["b"]) == (2.0, 1.0)

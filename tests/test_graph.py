"""The computation-graph engine: the curriculum's numbers, the sum rule over paths, the one
table of operations every pass reads, and gradients equal to finite differences and to
tf.GradientTape on random graphs."""

import dataclasses
import math
import re
from collections import Counter

import numpy as np
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
    (lambda g: g.variable("w", "three"), "w must be a finite number; got 'three'"),
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
def random_graphs(draw, operations=("add", "multiply"), constants=0):
    """A random graph of ``operations`` over 1-3 variables and ``constants`` constants.

    By default adds and multiplies only (smooth, so finite differences apply).
    """
    g = G.Graph()
    names = []
    for i in range(draw(st.integers(1, 3))):
        names.append(g.variable(f"v{i}", draw(st.floats(-2, 2))))
    for i in range(constants):
        names.append(g.constant(f"c{i}", draw(st.floats(-2, 2))))
    for i in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(list(operations)))
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


@pytest.mark.keras
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


@pytest.mark.keras
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


# --- the one table of operations ------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(G.OPERATIONS))
def test_every_operation_has_local_derivatives_equal_to_finite_differences(kind):
    operation = G.OPERATIONS[kind]
    eps = 1e-6
    # random points are (almost surely) away from any kink, such as |a - b| at a == b
    for point in np.random.default_rng(5).uniform(-3, 3, size=(6, operation.arity)):
        derivatives = operation.local_derivatives(*point)
        assert len(derivatives) == operation.arity
        for slot, derivative in enumerate(derivatives):
            up, down = point.copy(), point.copy()
            up[slot] += eps
            down[slot] -= eps
            expected = (operation.forward(*up) - operation.forward(*down)) / (2 * eps)
            assert math.isclose(derivative, expected, rel_tol=1e-6, abs_tol=1e-6), (kind, point, slot)


def test_absolute_error_has_derivative_zero_at_its_kink():
    assert G.OPERATIONS["absolute_error"].local_derivatives(7.0, 7.0) == (0.0, 0.0)
    grads = G.curriculum_example(x=2, w=3, b=1, y_true=7).backward()  # prediction == target
    assert (grads["w"], grads["b"]) == (0.0, 0.0)


def test_table_formulas_give_the_narration():
    assert [G.OPERATIONS[k].formula_text("a", "b") for k in ("multiply", "add", "absolute_error")] == [
        "a * b", "a + b", "|a - b|"]


def assert_backward_equals_last_step(g):
    last = g.steps()[-1]
    grads = g.backward()
    assert grads == last.grads
    assert last.values == {name: node.value for name, node in g.nodes.items()}


@pytest.mark.parametrize("example", [G.curriculum_example, G.two_paths_example])
def test_backward_equals_the_grads_of_the_last_step(example):
    assert_backward_equals_last_step(example())


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5))
def test_backward_equals_the_last_step_at_random_values(x, w, b, y_true):
    assert_backward_equals_last_step(G.curriculum_example(x=x, w=w, b=b, y_true=y_true))
    assert_backward_equals_last_step(G.two_paths_example(x=x))


@settings(max_examples=40, deadline=None)
@given(random_graphs(operations=tuple(G.OPERATIONS), constants=1))
def test_backward_equals_the_last_step_on_random_graphs(g):
    assert_backward_equals_last_step(g)


def test_backward_builds_no_steps(monkeypatch):
    g = G.curriculum_example()

    def no_steps(*args, **kwargs):
        raise AssertionError("backward() must not build narration steps")

    monkeypatch.setattr(G, "Step", no_steps)
    with pytest.raises(AssertionError, match="narration"):
        g.steps()  # the patch bites
    grads = g.backward()
    assert (grads["w"], grads["b"]) == (2, 1)


def count_forward_calls(monkeypatch) -> Counter:
    """Wrap each operation's ``forward`` in the table so calls are counted by kind."""
    calls = Counter()
    for kind, operation in list(G.OPERATIONS.items()):
        def counted(*inputs, _kind=kind, _forward=operation.forward):
            calls[_kind] += 1
            return _forward(*inputs)

        monkeypatch.setitem(G.OPERATIONS, kind, dataclasses.replace(operation, forward=counted))
    return calls


@pytest.mark.parametrize("example", [G.curriculum_example, G.two_paths_example])
@pytest.mark.parametrize("run", ["steps", "backward", "forward"])
def test_each_pass_computes_each_node_once(monkeypatch, example, run):
    g = example()
    calls = count_forward_calls(monkeypatch)
    getattr(g, run)()
    per_kind = Counter(node.kind for node in g.nodes.values() if node.kind in G.OPERATIONS)
    assert calls == per_kind


def test_steps_leave_the_values_in_the_nodes():
    g = G.curriculum_example()
    g.set_value("w", 5)
    assert g.steps()[-1].grads["w"] == 2
    assert g.nodes["loss"].value == 7  # computed by the steps' own forward pass


def test_an_operation_added_to_the_table_is_picked_up(graph_with_subtract):
    g = graph_with_subtract
    assert g.forward() == 3
    assert g.backward() == {"d": 1.0, "a": 1.0, "b": -1.0}
    assert g.steps()[1].text == "d = a - b = 5 - 2 = 3"


@pytest.mark.parametrize("build, message", [
    (lambda g: g.operation("divide", "y", "w", "w"), "unknown operation 'divide'"),
    (lambda g: g.operation("add", "y", "w"), "add takes 2 inputs; 'y' got 1"),
])
def test_bad_operations_get_clear_errors(build, message):
    g = G.Graph()
    g.variable("w", 1)
    with pytest.raises(ValueError, match=message):
        build(g)


@pytest.mark.parametrize("value", ["2", None, True])
def test_values_must_be_numbers_not_text(value):
    """Typed text is parsed by the stepper panel before it reaches the engine."""
    message = re.escape(f"w must be a finite number; got {value!r}.")
    with pytest.raises(ValueError, match=message):
        G.Graph().variable("w", value)
    g = G.curriculum_example()
    with pytest.raises(ValueError, match=message):
        g.set_value("w", value)
    assert g.nodes["w"].value == 3  # unchanged


def test_only_operations_have_local_derivatives():
    with pytest.raises(ValueError, match="'w' is a variable, not an operation"):
        G.curriculum_example().local_derivative(G.Edge("x", "w", 0))

"""The computation-graph stepper driven without a browser: steps within bounds, garbage explained."""

from course_lib.panels.graph import GraphStepper


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


def test_graph_stepper_explains_garbage_and_recovers(png_of):
    panel = GraphStepper()
    panel.to_end.click()
    picture = png_of(panel)
    panel.entries["w"].value = "three"
    assert "w: 'three' is not a number" in panel.error and "&#9888;" in panel.message.value
    assert png_of(panel) == picture  # the last valid graph stays
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


def test_graph_stepper_refuses_inputs_too_large_to_multiply():
    panel = GraphStepper()
    panel.entries["w"].set_state({"value": "1e300"})
    assert panel.error == "w must be a number from -1e+06 to 1e+06; got 1e+300. The graph keeps its last valid values."
    panel.entries["w"].set_state({"value": "3"})
    assert panel.error is None and panel.graph.nodes["loss"].value == 3


def test_graph_stepper_closes_and_forgets_the_boxes_of_the_last_example():
    panel = GraphStepper()
    old = list(panel.entries.values())
    panel.example.set_state({"index": 1})
    assert list(panel.entries) == ["x"] and panel.error is None
    assert all(entry.comm is None and entry not in panel.rules for entry in old)
    assert panel.entries["x"] in panel.rules
    typed = panel.entries["x"].value
    panel.entries["x"].set_state({"value": float("nan")})
    assert panel.entries["x"].value == typed and panel.error.startswith("x must be text")
    panel.next.set_state({"disabled": False})  # a page may not re-enable a button
    assert "'disabled' cannot be changed from the page" in panel.error

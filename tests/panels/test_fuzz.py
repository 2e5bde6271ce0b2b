"""Hostile values from the page, for every panel (issue 13): nothing raises, the message says what
was refused, the picture still renders, and a good value afterwards works.

A page (or any program that speaks the widget protocol) can send any value for any setting of
any widget; the kernel hands it to ``widget.set_state``, which is what these tests call. Two
sweeps:

- every synced setting of every widget a panel shows (sliders, text boxes, dropdowns,
  checkboxes, buttons, and the boxes, layouts and styles around them) gets one hostile value;
- hypothesis draws many hostile values for the settings a person changes (a slider's value, a
  dropdown's index, a text box's text), sent from the page or assigned in Python, and follows
  each with a good value.
"""

import inspect
import json
import math
from pathlib import Path

import numpy as np
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_lib import geometry
from course_lib.feedback.quiz import Quiz
from course_lib.panels import base
from course_lib.panels import geometry as geometry_panels
from course_lib.panels import graph as graph_panels
from course_lib.panels import mnist as mnist_panels
from course_lib.panels import optimization as optimization_panels

REPO = Path(__file__).resolve().parents[2]


def _uncrumpling():
    points, labels = geometry.make_moons(40, seed=0)
    run = geometry.train_tiny_network(points, labels, layers=2, steps=20, seed=1, snapshots=3)
    return geometry_panels.UncrumplingView(run, points, labels)


def _mnist():
    rng = np.random.default_rng(0)
    return mnist_panels.MnistExplorer(rng.integers(0, 255, size=(20, 28, 28), dtype=np.uint8),
                                      rng.integers(0, 10, size=20))


FACTORIES = {
    "TransformLab": geometry_panels.TransformLab,
    "CompositionPanel": geometry_panels.CompositionPanel,
    "VectorAddition": geometry_panels.VectorAddition,
    "TranslationLab": geometry_panels.TranslationLab,
    "UncrumplingView": _uncrumpling,
    "DerivativeExplorer": optimization_panels.DerivativeExplorer,
    "DescentSandbox": optimization_panels.DescentSandbox,
    "MomentumSandbox": optimization_panels.MomentumSandbox,
    "GraphStepper": graph_panels.GraphStepper,
    "MnistExplorer": _mnist,
    "Quiz": Quiz,
}
#: Good text for each panel's text boxes (several, so a good value can differ from the current one).
GOOD_TEXT = {"TransformLab": ["0.5", "1", "-2"], "GraphStepper": ["2", "3", "-1"], "MnistExplorer": ["3", "4", "5"],
             "Quiz": ["(1, 2)", "7", "[[0, 1], [1, 0]]"]}
#: One hostile value per setting in the sweep, taken in turn from this list.
HOSTILE = [math.nan, math.inf, -math.inf, 1e308, -1e308, 10 ** 400, 1_000_000, -1, None, True, [], [1, 2],
           {"a": 1}, "abc", "1.5", "nan", "", "--5", "\u00b2", "\u0661\u0662", "9" * 5000,
           "<img src=x onerror=alert(1)>", 2.5]
#: What hypothesis draws from: the list above, and any float, integer, short text or list.
HOSTILE_VALUES = st.one_of(
    st.sampled_from(HOSTILE + ["x" * (base.MAX_TEXT_LENGTH + 1), -(10 ** 400), False, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
)
_BUILT: dict = {}


def panel_named(name):
    """Each panel once per test session (building them is the slow part); every test leaves it working."""
    if name not in _BUILT:
        _BUILT[name] = FACTORIES[name]()
    return _BUILT[name]


def _json(value) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=repr)
    except (TypeError, ValueError):  # a number too long to write out
        return repr(type(value))


def _taken(sent, now) -> bool:
    """Whether the widget holds what was sent (1 and 1.0 alike: a float slider keeps -1 as -1.0)."""
    numbers = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in (sent, now)]
    if all(numbers):
        return now == sent or (math.isnan(now) and math.isnan(sent))
    return _json(sent) == _json(now)


def _assert_clean(panel, error):
    assert "That did not work" not in error  # said by the catch-all: a value got past the checks
    assert "Traceback" not in error and str(REPO) not in error and "site-packages" not in error


def _assert_working(panel):
    """Every control within its rule, the summary readable, the picture the page shows a PNG."""
    for control, rule in panel.rules.items():
        if rule.key:
            value = getattr(control, rule.key)
            assert rule.check(value) == (value, None), (rule.label, value)
        for name, fixed in rule.fixed.items():
            assert getattr(control, name) == fixed
    assert panel.summary()
    if hasattr(panel, "view"):
        assert bytes(panel.view.image.value).startswith(b"\x89PNG")


def _good_value(name, control, rule, draw=None):
    """A value the control may hold, different from its current one where it can be."""
    current = getattr(control, rule.key)
    if rule.kind == "choice":
        return (current + 1) % rule.size
    if rule.kind == "flag":
        return not current
    if rule.kind == "text":
        return next((text for text in GOOD_TEXT[name] if text != current), GOOD_TEXT[name][0])
    low, high = rule.low, rule.high
    if rule.kind == "whole":
        return low if current != low else high
    return float(low + (high - low) * (draw if draw is not None else 0.25))


def _good_value_works(name, panel, control, rule, draw=None):
    renders = panel.view.renders if hasattr(panel, "view") else 0
    good = _good_value(name, control, rule, draw)
    changed = good != getattr(control, rule.key)
    control.set_state({rule.key: good})
    assert getattr(control, rule.key) == good
    assert panel.error is None, panel.error
    if changed and hasattr(panel, "view"):
        assert panel.view.renders > renders
    _assert_working(panel)


def test_every_panel_is_fuzzed():
    modules = (geometry_panels, optimization_panels, graph_panels, mnist_panels)
    panels = {cls.__name__ for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
              if issubclass(cls, base.Panel) and cls is not base.Panel and cls.__module__ == module.__name__}
    assert panels | {"Quiz"} == set(FACTORIES)


@pytest.mark.parametrize("name", FACTORIES)
def test_every_setting_of_every_widget_refuses_hostile_values(name, caplog, is_png):
    panel = panel_named(name)
    widgets_shown = base.widget_tree(panel.widget)
    assert set(panel.rules) <= set(widgets_shown)  # every control the panel reads is on the page
    turn = 0
    for widget in widgets_shown:
        rule = panel.rules.get(widget)
        for key in widget.keys:
            hostile = HOSTILE[turn % len(HOSTILE)]
            turn += 1
            before = _json(widget.get_state(key)[key])
            panel.clear_error()
            widget.set_state({key: hostile})  # must not raise
            after = widget.get_state(key)[key]
            if rule is not None and key == rule.key:
                if not _taken(hostile, after):  # refused or clamped: the message says so
                    assert panel.error and rule.label in panel.error and "must be" in panel.error, panel.error
            else:  # only a control's value may change from the page (the message line says why)
                assert _json(after) == before or widget is panel.message
                assert panel.error and repr(key) in panel.error, (key, panel.error)
            if panel.error:
                _assert_clean(panel, panel.error)
        if rule is not None and rule.kind == "button":
            widget.click()  # a click still works, and raises nothing
    _assert_working(panel)
    if hasattr(panel, "view"):
        assert is_png(panel.view.png())  # the figure itself still draws
    # Good values work again: every text box (a box left with bad text keeps its message up), then one
    # other control (the hypothesis test below follows every hostile value with a good one).
    texts = [(c, r) for c, r in panel.rules.items() if r.kind == "text"]
    others = [(c, r) for c, r in panel.rules.items() if r.key and r.kind != "text"]
    for control, rule in texts + others[:1]:
        _good_value_works(name, panel, control, rule)
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]


@pytest.mark.parametrize("name", FACTORIES)
@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_values_are_refused_and_a_good_value_works_afterwards(name, data):
    panel = panel_named(name)
    # Every draw comes first and does not depend on the panel's state (hypothesis replays them).
    which = data.draw(st.integers(0, 99), label="control number")
    hostile = data.draw(HOSTILE_VALUES, label="value")
    from_page = data.draw(st.booleans(), label="from the page")
    where = data.draw(st.floats(0, 1), label="good value, as a fraction of the range")
    controls = sorted((c for c, r in panel.rules.items() if r.key), key=lambda c: panel.rules[c].label)
    control = controls[which % len(controls)]
    rule = panel.rules[control]
    panel.clear_error()
    if from_page:
        control.set_state({rule.key: hostile})
    else:
        try:
            setattr(control, rule.key, hostile)
        except traitlets.TraitError:  # the assignment itself was refused (a wrong type): no callback ran
            pass
    now = getattr(control, rule.key)
    if from_page and not _taken(hostile, now) or not from_page and panel.error:
        assert panel.error and rule.label in panel.error, panel.error
        _assert_clean(panel, panel.error)
    _assert_working(panel)
    _good_value_works(name, panel, control, rule, where)


def test_updates_through_the_kernels_message_handler_are_checked_too(caplog):
    panel = optimization_panels.DerivativeExplorer()

    def update(widget, state):  # the comm message the kernel receives from the page
        widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
                            "buffers": []})

    update(panel.p, {"value": math.nan})
    assert "point p must be a number from -2.2 to 2.2; got nan. It stays at 1.0." == panel.error
    update(panel.curve, {"index": 99})
    assert panel.error.startswith("the curve f(x) must be one of its") and panel.curve.value == "cos(x)"
    update(panel.curve, {"index": 1})
    assert panel.error is None and panel.curve.value == list(panel.curve.options)[1]
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]

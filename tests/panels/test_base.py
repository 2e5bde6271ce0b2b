"""What every panel shares: typed text read safely, the figure view, the display bundle."""

import re

import ipywidgets as widgets
import numpy as np
import pytest

from course_lib.panels import base


@pytest.mark.parametrize("text, value", [("1.5", 1.5), (" -2 ", -2.0), ("1e-3", 0.001), ("\u22121", -1.0), ("0", 0.0)])
def test_parse_number_accepts_numbers(text, value):
    assert base.parse_number(text, "W[0, 0]") == value


@pytest.mark.parametrize("text, message", [
    ("abc", "W[0, 1]: 'abc' is not a number"), ("", "W[0, 1] is empty"), ("  ", "is empty"),
    ("nan", "NaN is not allowed"), ("inf", "an infinite value is not allowed"), ("-Infinity", "infinite"),
    ("1,5", "'1,5' is not a number"),
])
def test_parse_number_explains_garbage(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        base.parse_number(text, "W[0, 1]")


def test_parse_matrix_names_the_bad_entry():
    np.testing.assert_array_equal(base.parse_matrix([["1", "2"], ["3", "4"]]), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"W\[1, 0\]"):
        base.parse_matrix([["1", "2"], ["x", "4"]])


@pytest.mark.parametrize("text, value", [("7", 7), (" 12 ", 12), ("0", 0), ("+3", 3), ("\u22120", 0)])
def test_parse_whole_number_accepts_whole_numbers_in_range(text, value):
    assert base.parse_whole_number(text, "test image #", minimum=0, maximum=20) == value


@pytest.mark.parametrize("text, message", [
    ("--5", "'--5' is not a whole number"), ("\u00b2", "is not a whole number"), ("1.5", "is not a whole number"),
    ("", "is not a whole number"), ("x7", "is not a whole number"), ("9" * 5000, "is not a whole number"),
    ("21", "there is no test image #21"), ("-3", "there is no test image #-3"),
])
def test_parse_whole_number_refuses_garbage_with_the_range(text, message):
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        base.parse_whole_number(text, "test image #", minimum=0, maximum=20)
    assert "from 0 to 20" in str(error.value) and len(str(error.value)) < 200


def test_parse_number_refuses_very_long_text():
    with pytest.raises(ValueError, match="characters long"):
        base.parse_number("1" * 5000, "w")


def test_widget_bundle_carries_summary_view_and_extras():
    box = widgets.HTML("x")
    bundle = base.widget_bundle("one line", box, **{"image/png": "abc"})
    assert bundle["text/plain"] == "one line" and bundle["image/png"] == "abc"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id


def test_figure_view_blits_only_the_moving_artists(is_png):
    view = base.FigureView(figsize=(2, 2), alt="a line")
    (line,) = view.ax.plot([0, 1], [0, 1])
    view.animate([line])
    view.refresh()
    first = bytes(view.image.value)
    line.set_data([0, 1], [1, 0])
    view.refresh()
    assert is_png(first) and bytes(view.image.value) != first and view.renders == 2
    assert view.alt == "a line"


def test_slider_uses_the_course_style():
    control = base.slider("w", 0.5, -1.0, 1.0, 0.1)
    assert (control.value, control.min, control.max) == (0.5, -1.0, 1.0)
    assert control.style.description_width == base.SLIDER_STYLE["description_width"]


def test_figure_view_alt_reaches_the_image_and_follows_each_refresh():
    view = base.FigureView(figsize=(2, 2), alt="A line\n  rising")
    (line,) = view.ax.plot([0, 1], [0, 1])
    assert view.alt == "A line rising" and view.image.tooltip == "A line rising"  # the page's title attribute
    view.refresh(alt="A line falling to the right")
    assert view.image.tooltip == "A line falling to the right" and view.renders == 1
    line.set_data([0, 1], [1, 1])
    view.refresh()  # no new description: the last one stays
    assert view.alt == "A line falling to the right" and view.renders == 2
    view.alt = ""
    assert view.image.tooltip is None and view.alt == ""


def test_described_image_syncs_the_traits_ipywidgets_8_needs_for_a_title():
    state = base.FigureView(figsize=(1, 1), alt="a dot").image.get_state()
    # ipywidgets 8 writes the tooltip into the title only when the model has an empty description;
    # a plain Image has none, and its view then fails to render at all.
    assert state["tooltip"] == "a dot" and state["description"] == ""
    assert state["_model_name"] == "ImageModel" and state["format"] == "png"


def test_error_messages_use_the_theme_aware_colour():
    panel = base.Panel()
    panel.show_error("W[0, 1]: 'x' is not a number")
    light, dark = base.MESSAGE_COLOURS["error"]
    assert f"var(--course-error, {light})" in panel.message.value and f"--course-error:{dark}" in panel.message.value
    assert "&#9888; W[0, 1]: &#x27;x&#x27; is not a number" in panel.message.value
    panel.clear_error()
    assert panel.message.value == "" and panel.error is None


# --- values from the page: Panel.watch and the guard on every widget -----------------------------


class _Tiny(base.Panel):
    """A panel with one control of each kind, counting its updates and clicks."""

    title = "Tiny"

    def __init__(self, fail=None):
        super().__init__()
        self.number = base.slider("w", 0.5, -1.0, 1.0, 0.1)
        self.count = widgets.IntSlider(value=3, min=1, max=10, description="steps")
        self.choice = widgets.Dropdown(options=["a", "b"], description="pick")
        self.flag = widgets.Checkbox(value=False, description="relu")
        self.box = widgets.Text(value="x", description="name")
        self.button = widgets.Button(description="go")
        self.fail, self.updates, self.clicks = fail, 0, 0
        self.widget = widgets.VBox([self.number, self.count, self.choice, self.flag, self.box, self.button,
                                    self.message])
        self.watch(self.number, self.count, self.choice, self.flag, self.box, handler=self.update)
        self.watch(self.button, handler=self.click)

    def update(self, change=None):
        if self.fail:
            raise self.fail
        self.updates += 1

    def click(self):
        if self.fail:
            raise self.fail
        self.clicks += 1

    def summary(self):
        return "Tiny"


def test_watch_records_what_each_control_may_hold():
    panel = _Tiny()
    rules = {rule.label: rule for rule in panel.rules.values()}
    assert (rules["w"].kind, rules["w"].low, rules["w"].high, rules["w"].fixed) == ("number", -1, 1, {"min": -1,
                                                                                                    "max": 1})
    assert (rules["steps"].kind, rules["steps"].wanted()) == ("whole", "a whole number from 1 to 10")
    assert (rules["pick"].kind, rules["pick"].key, rules["pick"].size) == ("choice", "index", 2)
    assert (rules["relu"].kind, rules["name"].kind, rules["go"].kind, rules["go"].key) == ("flag", "text", "button", "")
    log = base.rule_for(widgets.FloatLogSlider(value=0.1, base=10, min=-2, max=0))
    assert (log.low, log.high) == (0.01, 1) and log.fixed == {"min": -2, "max": 0, "base": 10}
    with pytest.raises(TypeError, match="cannot watch a Box"):
        base.rule_for(widgets.Box())


@pytest.mark.parametrize("kind, value, expected", [
    ("number", 0.25, 0.25), ("number", 1, 1.0), ("number", 5, 1.0), ("number", -1e308, -1.0),
    ("number", 10 ** 400, 1.0), ("whole", 7.0, 7), ("whole", 10 ** 6, 10),
    ("number", float("nan"), base.REFUSED), ("number", float("inf"), base.REFUSED), ("number", "0.5", base.REFUSED),
    ("number", True, base.REFUSED), ("number", None, base.REFUSED), ("number", [1], base.REFUSED),
    ("whole", 2.5, base.REFUSED), ("choice", 1, 1), ("choice", 2, base.REFUSED), ("choice", -1, base.REFUSED),
    ("choice", None, base.REFUSED), ("choice", True, base.REFUSED), ("flag", True, True), ("flag", 1, base.REFUSED),
    ("text", "\u00b2", "\u00b2"), ("text", "9" * 1001, base.REFUSED), ("text", 5, base.REFUSED),
])
def test_a_rule_keeps_good_values_clamps_numbers_and_refuses_the_rest(kind, value, expected):
    low, high = (1, 10) if kind == "whole" else (-1.0, 1.0)
    rule = base.ControlRule("x", kind, "value", low, high, size=2)
    used, problem = rule.check(value)
    assert used is expected if expected is base.REFUSED else (used == expected and type(used) is type(expected))
    if used is base.REFUSED:
        assert problem.startswith(f"x must be {rule.wanted()}; got ") and len(problem) < 200
    elif used != value:  # clamped into the range
        assert "so it is set to" in problem and "allowed" in problem
    else:
        assert problem is None
    if value == 10 ** 400:
        assert "a number with 401 digits" in problem


def test_page_values_are_checked_before_they_are_set():
    panel = _Tiny()
    panel.number.set_state({"value": float("nan")})  # what the kernel does with the page's update message
    assert panel.number.value == 0.5 and panel.updates == 0
    assert panel.error == "w must be a number from -1 to 1; got nan. It stays at 0.5."
    assert "&#9888;" in panel.message.value
    panel.number.set_state({"value": 7})
    assert panel.number.value == 1.0 and panel.updates == 1 and "so it is set to 1 (the most allowed)" in panel.error
    panel.number.set_state({"value": 0.2})
    assert panel.number.value == 0.2 and panel.error is None and panel.updates == 2
    panel.choice.set_state({"index": None})
    assert panel.choice.value == "a" and "pick must be one of its 2 choices; got None. It stays at 'a'." == panel.error
    panel.box.set_state({"value": ["a", "list"]})
    assert panel.box.value == "x" and panel.error.startswith("name must be text of at most 1000 characters")


def test_only_a_controls_value_can_change_from_the_page():
    panel = _Tiny()
    panel.count.set_state({"max": 1_000_000, "description": None, "value": 1_000_000})
    assert (panel.count.max, panel.count.description, panel.count.value) == (10, "steps", 10)
    assert "steps: 'max' cannot be changed from the page; it stays 10." in panel.error
    assert "'description' cannot be changed" in panel.error and "so it is set to 10" in panel.error
    panel.count.layout.set_state({"width": 5})
    assert panel.error == "Layout: 'width' cannot be changed from the page; it stays None."
    panel.button.set_state({"disabled": True})
    assert not panel.button.disabled and "go: 'disabled' cannot be changed" in panel.error
    panel.widget.set_state("junk")
    assert panel.error == "VBox: the page sent 'junk' instead of settings; nothing changed."


def test_changes_in_python_are_checked_before_the_handler_runs():
    panel = _Tiny()
    panel.count.max = 1_000_000
    panel.count.value = 1_000_000
    assert (panel.count.max, panel.count.value) == (10, 10)
    assert "steps: its max cannot change (it was set to 1000000); it is 10 again." in panel.error
    assert "got 1000000, so it is set to 10" in panel.error
    panel.choice.index = None
    assert panel.choice.value == "a" and "got None" in panel.error
    panel.number.value = float("nan")  # (ipywidgets itself clamps an infinity to the slider's end)
    assert panel.number.value == 0.5 and "got nan. It stays at 0.5." in panel.error
    panel.flag.value = True
    assert panel.error is None and panel.updates == 4


def test_an_unexpected_exception_becomes_one_line_without_a_path(caplog):
    panel = _Tiny(fail=RuntimeError("broken in /srv/course/secret_module.py"))
    panel.number.value = 0.2  # must not raise
    assert panel.error == "That did not work (RuntimeError); the panel keeps its last good picture."
    panel.button.click()
    assert panel.error.startswith("That did not work (RuntimeError)")
    assert any("broken in /srv/course/secret_module.py" in record.getMessage() for record in caplog.records)
    panel.fail = ValueError("could not read /srv/course/data/weights.npz")
    panel.number.set_state({"value": 0.3})
    assert panel.error == "That did not work: could not read weights.npz The panel keeps its last good picture."


def test_every_control_gets_a_layout_of_its_own():
    first, second = base.slider("a", 0, -1, 1, 0.1), base.slider("b", 0, -1, 1, 0.1)
    assert first.layout is not second.layout and first.layout.width == "340px"
    panel = _Tiny()
    assert all(getattr(widget, "_course_guarded", False) for widget in base.widget_tree(panel.widget))

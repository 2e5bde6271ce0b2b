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

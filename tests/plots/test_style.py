"""The course's plot defaults."""

import matplotlib.pyplot as plt

from course_lib.plots import style


def test_use_course_style_sets_defaults():
    style.use_course_style()
    assert plt.rcParams["image.cmap"] == "gray_r"

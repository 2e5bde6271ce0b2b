"""The course's plot style: one set of matplotlib defaults for every notebook and panel.

Used by :func:`course_lib.notebook.setup_notebook` and the dashboard.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

#: Plot defaults shared by every notebook (set by :func:`use_course_style`).
COURSE_STYLE = {
    "figure.dpi": 80,
    "figure.figsize": (6.0, 4.0),
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "font.size": 10,
    "image.cmap": "gray_r",
}


def use_course_style() -> None:
    """Apply the course's plot defaults (readable size, digits in black on white)."""
    plt.rcParams.update(COURSE_STYLE)

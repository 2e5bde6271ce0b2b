"""The one setup call at the top of every chapter notebook.

Introduced in notebook 01.
"""

from __future__ import annotations

import random
import sys

import numpy as np

from course_lib import backend, plotting


def setup_notebook(seed: int = 0) -> None:
    """Make a notebook's outputs repeatable and its pictures consistent.

    - seeds Python's and NumPy's global random generators (and Keras's, if loaded);
    - keeps TensorFlow's C++ log lines out of the notebook (only effective before
      TensorFlow is imported, which is why this call comes first);
    - applies the course's plot style.

    It imports neither Keras nor TensorFlow.
    """
    backend.quiet_tensorflow_logs()
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    plotting.use_course_style()


def widget_bundle(summary: str, widget, **extra) -> dict:
    """Return the display bundle of an object shown as a live widget.

    The bundle holds the widget view and ``summary`` as its text (what nbval compares and
    frontends without widgets show), plus any ``extra`` representations, e.g.
    ``**{"image/png": ...}``. Used by every panel, the quiz and the dashboard.
    """
    return {
        "text/plain": summary,
        **extra,
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": widget.model_id,
        },
    }

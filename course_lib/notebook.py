"""The one setup call at the top of every chapter notebook.

Introduced in notebooks 01-06.
"""

from __future__ import annotations

import random
import sys

import numpy as np

from course_lib import backend
from course_lib.plots.style import use_course_style


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
    use_course_style()

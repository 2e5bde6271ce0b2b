"""The notebook setup call, and the promise that NumPy-only code never loads TensorFlow."""

import subprocess
import sys

import numpy as np
import pytest

from course_lib.notebook import setup_notebook


def test_setup_makes_numpy_draws_repeatable():
    setup_notebook(seed=3)
    first = np.random.random(4)
    setup_notebook(seed=3)
    np.testing.assert_array_equal(first, np.random.random(4))


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.server
def test_numpy_only_chapters_do_not_import_tensorflow_or_keras(mnist_path):
    """Everything chapters 2 and 3 use, run for real, leaves TensorFlow unloaded."""
    out = run_python(f"""
import sys, matplotlib
matplotlib.use("Agg")
from course_lib import data, environment, naive_ops, notebook, tensors, timing, training, backend
from course_lib.feedback import base, exercises
from course_lib.plots import images, tensors as tensor_plots
notebook.setup_notebook()
(x, y), _ = data.load_mnist({str(mnist_path)!r})
images.plot_digits(x[:3], y[:3]); tensor_plots.plot_ranks(); tensor_plots.plot_matmul_shapes((2, 3), (3, 4))
naive_ops.naive_matrix_product([[1.0]], [[2.0]])
environment.check_environment(check_gpu=False)
print(sorted(m for m in ("tensorflow", "keras", "jax", "torch") if m in sys.modules))
""")
    assert out == "[]"


@pytest.mark.keras
@pytest.mark.server
def test_setup_seeds_keras_when_it_is_loaded():
    out = run_python("""
from course_lib.backend import import_keras
from course_lib.notebook import setup_notebook
keras = import_keras()
setup_notebook(seed=1); a = keras.random.uniform((3,), seed=None)
setup_notebook(seed=1); b = keras.random.uniform((3,), seed=None)
print(bool((keras.ops.convert_to_numpy(a) == keras.ops.convert_to_numpy(b)).all()))
""")
    assert out.endswith("True")

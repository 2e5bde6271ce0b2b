"""Shared code behind the course notebooks on the mathematical building blocks of
neural networks (chapter 2 of *Deep Learning with Python*).

Import the module you need; importing this package loads nothing heavy, and only
:mod:`course_lib.backend` ever imports Keras or TensorFlow, inside its functions.

Topic modules, imported by name in the chapter notebooks:

- :mod:`course_lib.data`: MNIST loading that works offline, from the Keras cache or by download.
- :mod:`course_lib.tensors`: describing tensors and the memory they take.
- :mod:`course_lib.naive_ops`: the chapter's naive tensor operations, as plain loops.
- :mod:`course_lib.timing`: "naive vs vectorised" timing with a stable report.
- :mod:`course_lib.geometry`: 2D maps, shapes and the uncrumpling network, in NumPy.
- :mod:`course_lib.optimization`: derivatives, gradient descent, momentum, mini-batches, and verdicts on runs.
- :mod:`course_lib.graph`: a tiny computation-graph engine with a forward and a backward pass.
- :mod:`course_lib.training`: Keras progress lines and the first example written from scratch.
- :mod:`course_lib.backend`: quiet, lazy Keras and TensorFlow imports and which device computes.
- :mod:`course_lib.other_backends`: run a notebook's function under Keras's JAX or PyTorch backend, in a
  subprocess, or show a recorded run.
- :mod:`course_lib.environment`: one-call self-check of the learner's setup.
- :mod:`course_lib.notebook`: the one setup call at the top of every notebook.
- :mod:`course_lib.validation`: the one way arguments are checked (finite numbers, arrays, whole numbers).

Pictures, one module per topic (:mod:`course_lib.plots`):

- :mod:`course_lib.plots.style`: the course's matplotlib defaults.
- :mod:`course_lib.plots.images`: digits, grids of digits, crops and batches.
- :mod:`course_lib.plots.tensors`: ranks, small arrays, tensor-product shapes, memory sizes.
- :mod:`course_lib.plots.geometry`: shapes before and after a map, vectors, composition, layers.
- :mod:`course_lib.plots.optimization`: slopes, descent paths, momentum, mini-batches.
- :mod:`course_lib.plots.graph`: a computation graph with its values and gradients.

Live panels, for the notebooks and the dashboard (:mod:`course_lib.panels`):

- :mod:`course_lib.panels.base`: the figure view, the panel protocol, the display bundle, typed-text parsing.
- :mod:`course_lib.panels.geometry`: transform lab, vector addition, translation, uncrumpling, composition.
- :mod:`course_lib.panels.optimization`: derivative explorer, descent sandbox, momentum sandbox.
- :mod:`course_lib.panels.graph`: the computation-graph stepper.
- :mod:`course_lib.panels.mnist`: the MNIST explorer and its small NumPy model.

Feedback for learners (:mod:`course_lib.feedback`):

- :mod:`course_lib.feedback.base`: the Feedback record and the generic checks.
- :mod:`course_lib.feedback.exercises`: the chapter notebooks' exercises.
- :mod:`course_lib.feedback.assignments`: the graded assignments' learner checks.
- :mod:`course_lib.feedback.rules`: what a question forbids (loops, NumPy, the course's own code), read from
  the learner's function.
- :mod:`course_lib.feedback.quiz`: the dashboard's "check yourself" questions, answered as values.

The classroom page:

- :mod:`course_lib.dashboard`: the Voila dashboard (its notebook ships as package data).
- :mod:`course_lib.dashboard_server`: Voila as the dashboard runs it: v1 kernel websockets only, a page with no CDN.

Instructor-only grading is not here: it is the separate package ``course_grading``
(folder ``grading/``, installed by ``requirements/grader.txt``), which learners never install.
"""

__version__ = "0.1.0"

#: Where the course lives on GitHub (used by the notebooks' badges and Colab install).
GITHUB_REPO = "open-dl-course/building-blocks"

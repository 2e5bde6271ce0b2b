"""Shared code behind the course notebooks on the mathematical building blocks of
neural networks (chapter 2 of *Deep Learning with Python*).

Modules, by concept (import the one you need; importing this package loads nothing
heavy, and only :mod:`course_lib.backend` ever imports Keras/TensorFlow, lazily):

- :mod:`course_lib.data`: MNIST loading that works offline, from the Keras cache or by download.
- :mod:`course_lib.naive_ops`: the chapter's naive tensor operations, as plain loops.
- :mod:`course_lib.tensors`: describing tensors and the memory they take.
- :mod:`course_lib.timing`: "naive vs vectorised" timing with a stable figure.
- :mod:`course_lib.plotting`: labelled pictures of digits, crops, batches and shapes.
- :mod:`course_lib.checks`: instant feedback for exercises.
- :mod:`course_lib.backend`: quiet, lazy Keras import and which device computes.
- :mod:`course_lib.environment`: one-call self-check of the learner's setup.
- :mod:`course_lib.notebook`: the one setup call at the top of every notebook.
- :mod:`course_lib.assignment_checks`: instant checks for the graded assignments' questions.
- :mod:`course_lib.quiz`: the dashboard's "check yourself" questions, answered as values.
- :mod:`course_lib.grading`: the instructor's side of the assignments (needs nbgrader).
"""

__version__ = "0.1.0"

#: Where the course lives on GitHub (used by the notebooks' badges and Colab install).
GITHUB_REPO = "open-dl-course/building-blocks"

"""The instructor's side of the assignments: safe autograding and a per-question report.

The assignments are graded with nbgrader (see the README's "Assignments" section, which
explains the whole workflow, and ``assignments/nbgrader_config.py``). This package adds
what nbgrader leaves out, one module per role:

- :mod:`course_grading.preprocessors`: nbgrader/nbconvert steps used while autograding
  (deleted test cells restored robustly; every output capped by characters);
- :mod:`course_grading.report`: one row per learner and question, with the points and
  what happened in plain words, written as CSV and Markdown;
- :mod:`course_grading.release`: checks that no solution or hidden test reached a
  student version;
- :mod:`course_grading.notebooks`: small helpers the others share (nbgrader's cell metadata);
- :mod:`course_grading.__main__`: the command line the Makefile's grading targets call::

      python -m course_grading report a1_tensors --course assignments
      python -m course_grading check-release --course assignments

Learners never install this package: it needs nbgrader, and ``requirements/grader.txt``
(``make grader``, ``make test``) installs it, editable, from ``grading/``.
"""

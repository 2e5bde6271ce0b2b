"""The instructor's side of the assignments: safe autograding and a per-question report.

The assignments are graded with nbgrader (see the README's "Assignments" section, which
explains the whole workflow, and ``assignments/nbgrader_config.py``). This package adds
what nbgrader leaves out, one module per role:

- :mod:`course_grading.collect`: ``make collect``: every downloaded file collected (Colab,
  browser and LMS names forgiven, notebooks normalised, zips read safely) or named in an
  error, student ids checked, malformed notebooks recorded for the report;
- :mod:`course_grading.preprocessors`: nbgrader/nbconvert steps used while autograding
  (deleted test cells restored robustly, copied cells tolerated; every output capped by
  characters);
- :mod:`course_grading.sandbox`: every learner's kernel runs in a bubblewrap sandbox
  (nbgrader's ``Execute`` step with a grading-only kernel spec; refuses without ``bwrap``,
  ``SANDBOX=off`` opts out and the report says so), started by
  :mod:`course_grading.sandbox_kernel`, which builds the sandbox and sets its limits;
- :mod:`course_grading.report`: one row per learner and question, with the points and
  what happened in plain words, written as CSV and Markdown; points come from the
  executed test cells, cross-checked with the gradebook, and anything doubtful is marked
  "needs review" and counted apart;
- :mod:`course_grading.tampering`: what could fool the tests: an AST walk over each
  learner's code (patched library objects under any alias, ``vars``/``__dict__``/``exec``/
  ``importlib``/``sys.modules``/builtins, ...) and a run-time check, inserted after every
  test cell, that the objects the tests use are the originals; also puts back grading
  flags a submission edited;
- :mod:`course_grading.feedback`: feedback pages that give each hidden test's result in
  words and never its code (nor any printed copy of it);
- :mod:`course_grading.release`: checks that no solution or hidden test reached a
  student version;
- :mod:`course_grading.notebooks`: small helpers the others share (nbgrader's cell metadata);
- :mod:`course_grading.__main__`: the command line the Makefile's grading targets call::

      python -m course_grading collect a1_tensors --course assignments
      python -m course_grading report a1_tensors --course assignments
      python -m course_grading check-release --course assignments
      python -m course_grading.sandbox check --course assignments --assignment a1_tensors

Learners never install this package: it needs nbgrader, and ``requirements/grader.txt``
(``make grader``, ``make test``) installs it, editable, from ``grading/``.
"""

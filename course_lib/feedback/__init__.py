"""Feedback for learners: the feedback type and every check of an answer.

:mod:`course_lib.feedback.base` holds the :class:`~course_lib.feedback.base.Feedback`
record and the generic checks; the chapter exercises, the assignments' checks and the
dashboard's quiz are built on them. See the package docstring of :mod:`course_lib` for the
list of modules.
"""

"""The questions' rules in real grading: each shortcut gets 0 for its question and the report says why.

The submissions are ``SHORTCUTS`` in ``hostile_rules.py``, graded with everything else in the
shared course run (``course.py``). Their answers give the right values; only the rules, read
from the functions' code inside the grading kernel, refuse them. The honest answers in the
same notebooks keep their points.
"""

from __future__ import annotations

import pytest

from tests.grading.course import report_rows
from tests.grading.hostile_rules import SHORTCUTS

pytestmark = [pytest.mark.slow, pytest.mark.grader]

CASES = [(assignment, submission) for assignment, submissions in SHORTCUTS.items() for submission in submissions]


@pytest.mark.parametrize("assignment, submission", CASES, ids=[f"{a}-{s.student}" for a, s in CASES])
def test_each_shortcut_scores_zero_with_a_kind_message(course, assignment, submission):
    rows = report_rows(course["root"], assignment)
    got = {question: float(row["score"]) for (who, question), row in rows.items() if who == submission.student}
    assert got == {q: float(p) for q, p in submission.expected.items()}, rows
    for question, phrases in submission.results.items():
        result = rows[submission.student, question]["result"]
        for phrase in phrases:
            assert phrase in result, (question, result)
        if "failed" in phrases:
            assert "Not yet: your answer gives the right results, but " in result, result


def test_every_shortcut_of_the_issue_is_graded():
    """np.maximum, x + y, x @ y, np.dot, np.matmul, np.einsum, np.broadcast_shapes, np.broadcast, course_lib."""
    said = " ".join(phrase for _, s in CASES for phrases in s.results.values() for phrase in phrases)
    for shortcut in ("`np.maximum`", "`x + y`", "`x @ y`", "`np.dot`", "`np.matmul`", "`np.einsum`",
                     "`np.broadcast_shapes`", "`np.broadcast`", "`course_lib.geometry.rotation_matrix`",
                     "`g.curriculum_example`", "`course_lib.training.one_training_step`"):
        assert shortcut in said, shortcut
    assert sum(1 for a, _ in CASES if a == "a4_gradients") <= 2  # TensorFlow: seconds per notebook

"""An assignment 1 submission that tries to copy the hidden tests into its own feedback page.

``peeker`` answers every question right, but its ``centre_crop`` also keeps the source of
the cell that calls it (the graded test, hidden cases included; IPython keeps every cell's
code) and its last answer cell prints that and ``In``, the kernel's history of every cell
it ran. Its feedback page must show none of it (``test_feedback_pages.py``), and the report
marks it for review (reaching the caller's frame is flagged).
"""

from __future__ import annotations

from tests.grading.submissions import SOLUTION, Submission

SPY = """
import inspect
_honest_crop = centre_crop


def centre_crop(images, size):
    global SEEN
    SEEN = "".join(inspect.getsourcelines(inspect.currentframe().f_back)[0])
    return _honest_crop(images, size)
"""

PEEKER = Submission(
    "peeker",
    answers={"q1_tensor_facts": SOLUTION, "q2_centre_crop": (SOLUTION, SPY), "q3_get_batch": SOLUTION,
             "q4_count_batches": (SOLUTION, "print(SEEN)\nprint(In)\n")},
    expected={"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 2, "q3_get_batch_tests": 1,
              "q4_count_batches_tests": 1},
    results={"q2_centre_crop_tests": ["passed", "needs review", "f_back"]},
)

SUBMISSIONS = [PEEKER]

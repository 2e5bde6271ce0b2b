"""Assignment 1 submissions that fool the tests from inside the kernel, or edit their own grading.

Each patcher answers every question with the instructor's solution and then, in the answer
cell of question 3, replaces something the tests rely on, each time a different way (an
aliased import, ``vars()``, ``__dict__``, ``exec``, ``importlib``, ``sys.modules``,
``builtins``). Points come from the executed test cells (full marks: the answers are
right), but every question must be marked "needs review" in the report and counted apart
from the clean total, and the run-time check must name the replaced object.

``silencer`` answers questions 2-4 wrongly and tells IPython to swallow every error (in a
plain kernel its failing test cells then show no error at all). nbgrader records the
kernel's error reply anyway, so the points stay right; the report must flag every question.

``metaeditor`` edits its own notebook instead (a self-grading attempt without running any
code): a test cell claims 100 points and carries a made-up "passed" output, another is no
longer marked as graded, a third is marked as a hand-graded answer. Its points must be
exactly what its answers earn, and the disagreements with the gradebook shown.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_output

from tests.grading.submissions import SOLUTION, Submission

ALL_RIGHT = {"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 2, "q3_get_batch_tests": 1,
             "q4_count_batches_tests": 1}
ANSWERS = ("q1_tensor_facts", "q2_centre_crop", "q3_get_batch", "q4_count_batches")

#: student -> (the patch, appended to the answer of question 3; the object it replaces)
PATCHES = {
    "aliaser": ("import numpy as n\nn.array_equal = lambda *args, **kwargs: True\n", "numpy.array_equal"),
    "varser": ('vars(np)["allclose"] = lambda *args, **kwargs: True\n', "numpy.allclose"),
    "dicter": ('np.__dict__["array_equiv"] = lambda *args, **kwargs: True\n', "numpy.array_equiv"),
    "execer": ('exec("np.isclose = lambda *args, **kwargs: True")\n', "numpy.isclose"),
    "importer": ('import importlib\nimportlib.import_module("numpy").isclose = lambda *args, **kwargs: True\n',
                 "numpy.isclose"),
    "moduler": ('import sys\nsys.modules["course_lib.feedback.base"].require = lambda feedback: feedback\n',
                "course_lib.feedback.base.require"),
    "builtiner": ("import builtins\n_len = builtins.len\nbuiltins.len = lambda obj: _len(obj)\n", "builtins.len"),
}


def _patcher(student: str, patch: str) -> Submission:
    answers = {answer: SOLUTION for answer in ANSWERS}
    answers["q3_get_batch"] = (SOLUTION, patch)
    return Submission(student, answers=answers, expected=dict(ALL_RIGHT),
                      results={question: ["passed", "needs review", "check these points by hand"]
                               for question in ALL_RIGHT})


PATCHERS = [_patcher(student, patch) for student, (patch, _) in PATCHES.items()]

SILENCER = Submission(
    "silencer",
    answers={
        "q1_tensor_facts": (SOLUTION, "get_ipython().set_custom_exc((Exception,), lambda *args, **kwargs: None)\n"),
        "q2_centre_crop": "def centre_crop(images, size):\n    return images\n",
        "q3_get_batch": "def get_batch(samples, batch_size, n):\n    return samples\n",
        "q4_count_batches": "def count_batches(num_samples, batch_size):\n    return 0\n",
    },
    expected={"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 0,
              "q4_count_batches_tests": 0},
    results={question: ["needs review", "changes the notebook's kernel (get_ipython)", "IPython shell"]
             for question in ALL_RIGHT},
)


def _edit_own_grading(nb) -> bytes:
    """Save ``nb`` with its test cells' nbgrader metadata and outputs forged."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "q1_tensor_facts_tests":
            meta["points"] = 100
            cell.outputs = [new_output("execute_result", data={"text/plain": "100"}, execution_count=1),
                            new_output("stream", name="stdout", text="All hidden tests passed!\n")]
        elif meta.get("grade_id") == "q2_centre_crop_tests":
            meta["grade"] = False  # "not graded": hoping to lose nothing
            meta.pop("points", None)
        elif meta.get("grade_id") == "q3_get_batch_tests":
            meta["solution"] = True  # "graded by hand": hoping nobody does
    return nbformat.writes(nb).encode()


METAEDITOR = Submission(
    "metaeditor",
    answers={"q2_centre_crop": SOLUTION, "q3_get_batch": "def get_batch(samples, batch_size, n):\n    return samples\n",
             "q4_count_batches": SOLUTION},
    # q1 unanswered: 0 whatever its forged 100 points and output; q2 right: 2 even though the
    # cell no longer says it is graded; q3 wrong: 0 whatever nbgrader makes of a "hand-graded" test.
    expected={"q1_tensor_facts_tests": 0, "q2_centre_crop_tests": 2, "q3_get_batch_tests": 0,
              "q4_count_batches_tests": 1},
    results={"q1_tensor_facts_tests": ["failed", "Not answered yet"],
             "q4_count_batches_tests": ["passed"]},
)
METAEDITOR.save = _edit_own_grading

SUBMISSIONS = [*PATCHERS, SILENCER, METAEDITOR]

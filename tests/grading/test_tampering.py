"""Tampering: the AST walk over learners' code, the run-time check, and how the report shows both.

The unit tests need no grading run; the others read the shared graded course
(``course`` fixture), whose assignment 1 includes ``hostile_tampering.py``'s submissions.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_grading import tampering
from course_grading.notebooks import nbgrader_meta
from course_grading.tampering import (
    CHECK_MARKER,
    AddRunTimeChecks,
    RestoreGradingMetadata,
    find_tampering,
    runtime_problems,
    tampering_flags,
)
from tests.grading.course import ASSIGNMENTS, COURSE, build, graded_rows, report_rows
from tests.grading.hostile_tampering import METAEDITOR, PATCHERS, PATCHES, SILENCER, SUBMISSIONS
from tests.grading.submissions import PARTIAL

pytestmark = pytest.mark.grader

IMPORTS = "import numpy as np\nfrom course_lib.feedback import assignments as check\n"

# --- The AST walk ------------------------------------------------------------------------------

#: Code that changes what tests rely on, each a different way: every line must be flagged.
TAMPERING = [
    *[patch for patch, _ in PATCHES.values()],
    "import numpy as n\nn.array_equal = lambda *a: True",
    "from numpy import testing as t\nt.assert_allclose = print",
    "n2 = np\nn2.allclose = print",
    "np.random.seed = print",
    "del np.allclose",
    "np.allclose += 1",
    "from course_lib.feedback import base as b\nb.require = lambda f: f",
    "import course_lib.feedback.assignments\ncourse_lib.feedback.assignments.check_get_batch = print",
    "import course_lib.feedback.base as cb\ncb.NOT_YET = 'Correct'",
    "check.check_get_batch = print",
    "check.THRESHOLDS['x'] = 1",
    "from course_lib.feedback.base import Feedback\nFeedback.__bool__ = lambda self: True",
    "type(check.check_get_batch(print)).__bool__ = lambda self: True",
    "setattr(np, 'allclose', print)",
    "delattr(np, 'allclose')",
    "d = vars(np)\nd['allclose'] = print",
    "d = np.__dict__\nd.update(allclose=print)",
    "vars(np).update(allclose=print)",
    "globals()['require'] = print",
    "eval('1')",
    "code = compile('x = 1', 'x', 'exec')",
    "__import__('numpy').allclose = print",
    "from importlib import import_module\nimport_module('numpy').allclose = print",
    "import sys as s\ns.modules['numpy'].allclose = print",
    "from sys import modules\nmodules['numpy'].allclose = print",
    "import sys\nsys._getframe(1).f_globals['require'] = print",
    "import builtins as b\nb.len = print",
    "__builtins__.len = print",
    "from builtins import len",
    "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)",
    "%run other_notebook.ipynb",
    "class Anything:\n    def __eq__(self, other):\n        return True",
    "f = lambda: 1\nf.__code__ = (lambda: 2).__code__",
    "from unittest import mock\nmock.patch.object(np, 'allclose', print).start()",
    "import ctypes",
    "import gc\ngc.get_referrers(np.allclose)",
    "def sneaky():\n    np.allclose = print\nsneaky()",
]

#: Code honest answers are made of: nothing here may be flagged.
HONEST = [
    "x = np.zeros(3)\nx[0] = 1\nx.shape = (3, 1)\nx += 1\nresult = np.maximum(x, 0)",
    "if np.array_equal(x, result) == True:\n    pass",
    "def f(base, check):\n    base[0] = 1\n    check.value = 2\n    return base",
    "check = {}\ncheck['x'] = 1",
    "for np_value in [1, 2]:\n    print(np_value)",
    "class Model:\n    def __init__(self):\n        self.weights = np.zeros(3)\n\n"
    "    def __repr__(self):\n        return 'M'",
    "model = Model()\nmodel.weights = model.weights * 2\nmodel.eval_mode = True",
    "np.random.seed(0)\nrng = np.random.default_rng(0)",
    "%timeit np.zeros(3)",
    "%%time\nx = np.ones(3)",
    "!pip list",
    "print(vars(model))",
    "import math\nvalue = math.sqrt(2)",
    "from course_lib.feedback.base import require\nrequire(check.check_get_batch(print))",
]


def _learner(code):
    cell = new_code_cell(code)
    cell.metadata["nbgrader"] = {"solution": True, "grade_id": "answer", "locked": False, "grade": False}
    return cell


def _locked(code, grade_id="imports"):
    cell = new_code_cell(code)
    cell.metadata["nbgrader"] = {"locked": True, "grade_id": grade_id, "grade": False, "solution": False}
    return cell


@pytest.mark.parametrize("code", TAMPERING)
def test_every_way_of_tampering_is_flagged(code):
    flags = tampering_flags(new_notebook(cells=[_locked(IMPORTS), _learner(code)]))
    assert flags and all(flag.review and flag.cell == 1 for flag in flags), code
    assert {flag.line for flag in flags} <= {line.strip() for line in code.splitlines()}, flags


@pytest.mark.parametrize("code", HONEST)
def test_honest_code_is_not_flagged(code):
    notebook = new_notebook(cells=[_locked(IMPORTS), _learner("class Model:\n    pass\nmodel = Model()\nx = 1"),
                                   _learner(code)])
    assert tampering_flags(notebook) == []


def test_flags_name_the_line_and_the_reason():
    flags = tampering_flags(new_notebook(cells=[_locked(IMPORTS), _learner(
        "def get_batch(samples, batch_size, n):\n    return samples\n\nimport numpy as n2\n"
        "n2.array_equal = lambda *args: True\nexec('print(1)')")]))
    assert [(flag.cell, flag.line, flag.reason) for flag in flags] == [
        (1, "n2.array_equal = lambda *args: True", "changes library code at run time"),
        (1, "exec('print(1)')", "runs code built at run time (exec)")]


def test_the_graders_own_cells_are_not_the_learners_code():
    """Locked and test cells are replaced by the instructor's versions: only their imports count."""
    source = new_notebook(cells=[_locked("import numpy as numeric\nnumeric.x = 1", "setup")])
    submitted = new_notebook(cells=[_locked("import numpy as numeric\nnumeric.x = 1", "setup"),
                                    _learner("numeric.allclose = print")])
    assert find_tampering(submitted, source) == ["numeric.allclose = print"]
    # A learner's cell that only *claims* to be locked is still the learner's when the source says so.
    disguised = _locked("np.allclose = print", "my_own_cell")
    assert find_tampering(new_notebook(cells=[disguised]), source) == ["np.allclose = print"]


def test_a_cell_that_does_not_parse_is_reported():
    broken = _learner("def f(:\n    pass")
    flag, = tampering_flags(new_notebook(cells=[broken]))
    assert flag.review and "could not be read" in flag.reason and "SyntaxError" in flag.reason
    # When the kernel refused it too (the graded notebook shows a SyntaxError), nothing ran: no review.
    broken.outputs = [new_output("error", ename="SyntaxError", evalue="invalid syntax", traceback=[])]
    flag, = tampering_flags(new_notebook(cells=[broken]))
    assert not flag.review and find_tampering(new_notebook(cells=[broken])) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solutions_and_the_partial_answers_are_never_flagged(assignment):
    source = nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4)
    release = nbformat.read(COURSE / "release" / assignment / f"{assignment}.ipynb", 4)
    assert tampering_flags(source, source) == []
    assert tampering_flags(release, source) == []
    assert tampering_flags(build(release, source, PARTIAL[assignment]), source) == []


# --- The run-time check, without nbgrader ------------------------------------------------------


def _test_cell(grade_id="t1_tests"):
    cell = new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 1, "locked": True,
                                 "solution": False}
    return cell


def test_a_check_follows_every_test_cell():
    notebook = new_notebook(cells=[_learner("x = 1"), _test_cell("t1_tests"), new_markdown_cell("hi"),
                                   _test_cell("t2_tests")])
    notebook, _ = AddRunTimeChecks().preprocess(notebook, {})
    kinds = [CHECK_MARKER if cell.source.startswith(CHECK_MARKER) else nbgrader_meta(cell).get("grade_id", "md")
             for cell in notebook.cells]
    assert kinds == ["answer", "t1_tests", CHECK_MARKER, "md", "t2_tests", CHECK_MARKER]
    nonces = {cell.source.splitlines()[1] for cell in notebook.cells if cell.source.startswith(CHECK_MARKER)}
    assert len(nonces) == 2  # a fresh nonce per check
    # The grader's checks are no learner code, right after a test cell; elsewhere they would be.
    assert tampering_flags(notebook) == []
    moved = new_notebook(cells=[notebook.cells[2]])
    assert tampering_flags(moved) != []


def test_the_check_in_this_process_finds_the_originals_and_names_a_replacement(monkeypatch):
    """Run an inserted check cell here, as the kernel would, before and after patching numpy."""
    import contextlib
    import io

    import numpy as np

    monkeypatch.setattr(tampering, "_reference", {})  # fingerprints of the originals, taken now
    notebook, _ = AddRunTimeChecks().preprocess(new_notebook(cells=[_test_cell()]), {})
    check = notebook.cells[1]

    def run():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(check.source, "check", "exec"), {"get_ipython": lambda: None})  # noqa: S102 - our code
        check.outputs = [new_output("stream", name="stdout", text=out.getvalue())]
        return runtime_problems(notebook, "t1_tests")

    assert run() == []
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    assert run() == ["replaced numpy.allclose"]
    check.outputs = [new_output("stream", name="stdout", text="course-grading-check 0000 {}\n")]
    assert "did not report" in runtime_problems(notebook, "t1_tests")[0]  # a forged line has the wrong nonce
    check.outputs = []
    assert "did not report" in runtime_problems(notebook, "t1_tests")[0]
    assert runtime_problems(new_notebook(cells=[_test_cell()]), "t1_tests") is None  # graded without checks


def test_edited_grading_flags_are_restored(tmp_path):
    source = new_notebook(cells=[_test_cell("t1_tests"), _test_cell("t2_tests")])
    (tmp_path / "source" / "hw").mkdir(parents=True)
    nbformat.write(source, tmp_path / "source" / "hw" / "hw.ipynb")
    submitted = new_notebook(cells=[_test_cell("t1_tests"), _test_cell("t2_tests")])
    submitted.cells[0].metadata["nbgrader"].update(points=100, solution=True)
    submitted.cells[1].metadata["nbgrader"]["grade"] = False
    resources = {"nbgrader": {"db_url": f"sqlite:///{tmp_path / 'gradebook.db'}", "assignment": "hw",
                              "notebook": "hw"}}
    restored, _ = RestoreGradingMetadata().preprocess(submitted, resources)
    assert [nbgrader_meta(c) for c in restored.cells] == [nbgrader_meta(c) for c in source.cells]


# --- The report on the graded course -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda s: s.student)
def test_tampering_submissions_are_graded_and_marked_for_review(course, submission):
    graded_rows(course["root"], "a1_tensors", submission)


@pytest.mark.slow
@pytest.mark.parametrize("submission", PATCHERS, ids=lambda s: s.student)
def test_the_run_time_check_names_the_replaced_object(course, submission):
    rows = report_rows(course["root"], "a1_tensors")
    replaced = PATCHES[submission.student][1]
    # Patched in question 3's answer: the checks after tests 3 and 4 see it, those before do not.
    assert f"replaced {replaced}" in rows[submission.student, "q3_get_batch_tests"]["result"]
    assert f"replaced {replaced}" in rows[submission.student, "q4_count_batches_tests"]["result"]
    assert "run-time check" not in rows[submission.student, "q1_tensor_facts_tests"]["result"]


@pytest.mark.slow
def test_flagged_points_are_counted_apart(course):
    report = (course["root"] / "reports" / "a1_tensors.md").read_text(encoding="utf-8")
    for submission in PATCHERS + [SILENCER]:
        points = submission.expected.values()
        row = " | ".join(f"({p})" for p in points) + f" | 0 | {sum(points)} in {len(points)} |"
        assert f"| {submission.student} | {row}" in report, submission.student
        got = submission.expected["q2_centre_crop_tests"]
        assert f"- **{submission.student}**, q2_centre_crop_tests ({got}/2 from the executed test cell" in report
    assert "## Needs review" in report
    needs_review = report.split("## Needs review")[1].split("## What happened")[0]
    assert "**solution**" not in needs_review and "**partial**" not in needs_review


@pytest.mark.slow
def test_a_notebook_that_edits_its_own_grading_gets_what_its_answers_earn(course):
    rows = report_rows(course["root"], "a1_tensors")
    for question, points in METAEDITOR.expected.items():
        assert float(rows["metaeditor", question]["score"]) == points
    assert "points 100 instead of 1" in rows["metaeditor", "q1_tensor_facts_tests"]["result"]
    assert "grade False instead of True" in rows["metaeditor", "q2_centre_crop_tests"]["result"]
    assert "solution True instead of False" in rows["metaeditor", "q3_get_batch_tests"]["result"]
    # nbgrader graded it normally (flags restored), so its gradebook agrees with the executed cells.
    assert all("needs review" not in rows["metaeditor", q]["result"] for q in METAEDITOR.expected)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_learners_are_never_flagged(course, assignment):
    rows = report_rows(course["root"], assignment)
    for student in ("solution", "partial", "blank"):
        graded = nbformat.read(course["root"] / "autograded" / student / assignment / f"{assignment}.ipynb", 4)
        for (who, question), row in rows.items():
            if who == student:
                assert "needs review" not in row["result"], row
                assert runtime_problems(graded, question) == [], (student, question)  # the check ran, found nothing

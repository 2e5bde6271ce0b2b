"""The grading report, without running nbgrader (test_autograde.py does that)."""

import os
import shutil
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_grading.report import (
    QuestionResult,
    _describe_result,
    executed_points,
    find_tampering,
    format_report,
    question_results,
    write_report,
)

pytestmark = pytest.mark.grader


def _row(student, question, score, max_score, result="passed"):
    return QuestionResult(student, "hw", question, score, max_score, result)


def test_report_has_a_points_table_and_words_for_every_lost_point(tmp_path):
    rows = [_row("ada", "q1", 1, 1), _row("ada", "q2", 2, 2),
            _row("bob", "q1", 0, 1, "failed: timed out: the cell was still running at the time limit"),
            _row("bob", "q2", 2, 2, "passed; test cell edited in the submission; replaced by the original and run")]
    csv_path, md_path = write_report(rows, "hw", tmp_path / "reports")
    report = md_path.read_text()
    assert "| student | q1 (/1) | q2 (/2) | total (/3) |" in report
    assert "| ada | 1 | 2 | 3 |" in report and "| bob | 0 | 2 | 2 |" in report
    assert "- **bob**, q1 (0/1): failed: timed out" in report
    assert "- **bob**, q2 (2/2): passed; test cell edited" in report  # full marks, but worth knowing
    assert "ada**" not in report
    assert csv_path.read_text().splitlines()[0] == "student,notebook,question,score,max_score,result"


def test_report_of_nothing_says_what_to_do():
    assert "collect and autograde first" in format_report([], "hw")


def test_describe_result_in_words():
    release = new_notebook(cells=[_graded("t1", "require(check(f))")])
    answer = new_code_cell("def f(): ...")
    answer.metadata["nbgrader"] = {"solution": True, "grade_id": "a1"}
    answer.outputs = [new_output("error", ename="KeyboardInterrupt", evalue="", traceback=[])]
    failing = _graded("t1", "require(check(f))")
    failing.outputs = [new_output("error", ename="AssertionError", evalue="Not yet: wrong\nHint: think",
                                  traceback=[])]
    graded = new_notebook(cells=[answer, failing])
    submitted = new_notebook(cells=[_graded("t1", "pass")])
    text = _describe_result("t1", 0, 1, release, submitted, graded)
    assert text == ("failed: AssertionError: Not yet: wrong (the answer cell itself stopped with timed out: the cell "
                    "was still running at the time limit and was stopped); test cell edited in the submission; "
                    "replaced by the original and run")
    assert _describe_result("t1", 1, 1, release, new_notebook(), graded).startswith(
        "passed; test cell deleted")
    assert _describe_result("t1", 0, 1, release, None, None) == "no submission for this notebook"
    assert _describe_result("t1", 0, 1, release, submitted, None).startswith("not graded")


def _graded(grade_id, source):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 1}
    return cell


def test_find_tampering_flags_run_time_patches_but_not_ordinary_code():
    ordinary = new_code_cell("import numpy as np\nx = np.zeros(3)\nx[0] = 1\nresult = np.maximum(x, 0)\n"
                             "if np.array_equal(x, result) == True:\n    pass")
    patched = new_code_cell("np.array_equal = lambda *a: True\nsetattr(np, 'allclose', print)\n"
                            "import builtins\nsys.modules['numpy'] = None")
    test_cell = _graded("t1", "np.array_equal = 1  # a test cell may do what it likes")
    locked = new_code_cell("np.pi = 3")
    locked.metadata["nbgrader"] = {"locked": True, "grade_id": "setup"}
    assert find_tampering(new_notebook(cells=[ordinary, test_cell, locked])) == []
    assert find_tampering(new_notebook(cells=[patched])) == [
        "np.array_equal = lambda *a: True", "setattr(np, 'allclose', print)", "import builtins",
        "sys.modules['numpy'] = None"]
    assert find_tampering(None) == []


def test_find_tampering_knows_the_names_the_assignments_import_the_checks_under():
    patched = new_code_cell("import course_lib.feedback.base\ncourse_lib.feedback.base.require = print\n"
                            "from course_lib import feedback\nfeedback.base.require = print\n"
                            "from course_lib.feedback import assignments\nassignments.check_get_batch = print\n"
                            "check.check_get_batch = print")
    assert find_tampering(new_notebook(cells=[patched])) == [
        "course_lib.feedback.base.require = print", "feedback.base.require = print",
        "assignments.check_get_batch = print", "check.check_get_batch = print"]


# --- Points from the executed test cells, cross-checked with the gradebook -----------------------


def test_executed_points_follow_nbgraders_rule_with_the_instructors_maximum():
    cell = _graded("t1", "assert True")
    cell.metadata["nbgrader"]["points"] = 100  # what the notebook claims never counts
    assert executed_points(cell, 2) == 2
    cell.outputs = [new_output("error", ename="AssertionError", evalue="", traceback=[])]
    assert executed_points(cell, 2) == 0
    cell.outputs = [new_output("stream", name="stderr", text="warning\n")]
    assert executed_points(cell, 2) == 0
    cell.outputs = [new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)]
    assert executed_points(cell, 2) == 0.5
    assert executed_points(None, 2) == 0


_EMPTY_GRADEBOOK: list[Path] = []


def _course(tmp_path, monkeypatch, graded_outputs, gradebook_edit):
    """A one-question course (``hw``, test cell ``t1``, learner ``ada``) graded as given."""
    from nbgrader.api import Gradebook

    source = new_notebook(cells=[_graded("t1", "assert answer == 1")])
    graded = new_notebook(cells=[_graded("t1", "assert answer == 1")])
    graded.cells[0].outputs = graded_outputs
    for folder in ("source/hw", "release/hw", "submitted/ada/hw", "autograded/ada/hw"):
        (tmp_path / folder).mkdir(parents=True)
        nbformat.write(graded if folder.startswith("autograded") else source, tmp_path / folder / "hw.ipynb")
    if not _EMPTY_GRADEBOOK:  # a new gradebook runs `alembic` (beside this interpreter), slowly: once
        monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        empty = tmp_path.parent / "empty-gradebook.db"
        Gradebook(f"sqlite:///{empty}").close()
        _EMPTY_GRADEBOOK.append(empty)
    shutil.copy(_EMPTY_GRADEBOOK[0], tmp_path / "gradebook.db")
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy warnings while adding a submission
        gradebook.add_assignment("hw")
        gradebook.add_notebook("hw", "hw")
        gradebook.add_grade_cell("t1", "hw", "hw", max_score=1, cell_type="code")
        gradebook.add_student("ada")
        gradebook.add_submission("hw", "ada")
        grade = gradebook.find_grade("t1", "hw", "hw", "ada")
        gradebook_edit(grade)
        gradebook.db.commit()
    row, = question_results(tmp_path, "hw")
    return row


def test_points_come_from_the_executed_test_cell_not_from_the_gradebook(tmp_path, monkeypatch):
    failed = [new_output("error", ename="AssertionError", evalue="", traceback=[])]

    def forged(grade):  # what a submission that reached gradebook.db would write
        grade.auto_score = 0.0
        grade.manual_score = 1.0

    row = _course(tmp_path, monkeypatch, failed, forged)
    assert row.score == 0 and row.result.startswith("failed")
    assert "the gradebook holds a manual score of 1" in row.review
    assert "the gradebook says 1, the executed test cell gives 0" in row.review


def test_a_gradebook_that_agrees_needs_no_review(tmp_path, monkeypatch):
    def honest(grade):
        grade.auto_score = 1.0
        grade.needs_manual_grade = False

    row = _course(tmp_path, monkeypatch, [], honest)
    assert (row.score, row.result, row.review) == (1, "passed", ())


def test_needs_manual_grade_and_a_changed_maximum_are_shown(tmp_path, monkeypatch):
    def odd(grade):
        grade.auto_score = 1.0
        grade.needs_manual_grade = True
        grade.cell.max_score = 5

    row = _course(tmp_path, monkeypatch, [], odd)
    assert row.score == 1
    assert "the gradebook marks this for grading by hand" in row.review
    assert "the gradebook's maximum is 5, the source's 1" in row.review


def test_questions_needing_review_are_counted_apart(tmp_path):
    rows = [_row("ada", "q1", 1, 1), _row("ada", "q2", 2, 2),
            QuestionResult("eve", "hw", "q1", 1, 1, "passed", ("the notebook runs code built at run time (exec)",)),
            _row("eve", "q2", 0, 2, "failed: AssertionError")]
    csv_path, md_path = write_report(rows, "hw", tmp_path)
    report = md_path.read_text()
    assert "| student | q1 (/1) | q2 (/2) | total (/3) | needs review |" in report
    assert "| ada | 1 | 2 | 3 | - |" in report
    assert "| eve | (1) | 0 | 0 | 1 in 1 |" in report  # the flagged point is not in the total
    review = report.split("## Needs review")[1].split("## What happened")[0]
    assert "- **eve**, q1 (1/1 from the executed test cell, passed): the notebook runs code built at run time" in review
    assert "ada" not in review
    assert "passed; needs review: the notebook runs code built at run time (exec)" in csv_path.read_text()
    clean = format_report([_row("ada", "q1", 1, 1)], "hw")
    assert "## Needs review\n\nNothing" in clean

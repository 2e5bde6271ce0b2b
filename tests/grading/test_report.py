"""The grading report, without running nbgrader (test_autograde.py does that)."""

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_grading.report import QuestionResult, _describe_result, find_tampering, format_report, write_report

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

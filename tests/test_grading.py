"""The instructor's grading helpers, without running nbgrader (tests/test_assignments.py does that)."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_lib import grading


def test_limit_output_size_caps_every_kind_of_text_output():
    cell = new_code_cell("print('x' * 50)")
    cell.outputs = [
        new_output("stream", name="stdout", text="x" * 50),
        new_output("execute_result", data={"text/plain": "y" * 50, "image/png": "z" * 50}, execution_count=1),
        new_output("error", ename="ValueError", evalue="e" * 50, traceback=["t" * 50, "short"]),
    ]
    limiter = grading.LimitOutputSize(max_chars=10)
    assert limiter.enabled  # nbconvert skips disabled preprocessors
    nb, _ = limiter(new_notebook(cells=[cell]), {})
    stream, result, error = nb.cells[0].outputs
    assert stream.text.startswith("x" * 10) and "40 more characters" in stream.text
    assert "40 more characters" in result.data["text/plain"]
    assert result.data["image/png"] == "z" * 50  # pictures are left alone
    assert "40 more characters" in error.evalue and error.traceback[1] == "short"


def test_limit_output_size_leaves_small_outputs_and_markdown_alone():
    cell = new_code_cell("1")
    cell.outputs = [new_output("stream", name="stdout", text="fine\n")]
    nb = new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("x" * 100)])
    nb, _ = grading.LimitOutputSize(max_chars=10)(nb, {})
    assert nb.cells[0].outputs[0].text == "fine\n" and nb.cells[1].source == "x" * 100


def _source_notebook():
    answer = new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return secret_formula(x) + 12345\n"
                           "    ### END SOLUTION\n")
    tests = new_code_cell("assert f(1) == 12346\n### BEGIN HIDDEN TESTS\nassert f(2) == 12347  # hidden case\n"
                          "### END HIDDEN TESTS\n")
    return new_notebook(cells=[new_code_cell("import numpy as np"), answer, tests])


def test_find_leaks_reports_solution_and_hidden_lines_and_markers():
    source = _source_notebook()
    clean = new_notebook(cells=[new_code_cell("import numpy as np"),
                                new_code_cell("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
                                new_code_cell("assert f(1) == 12346")])
    assert grading.find_leaks(source, clean) == []
    leaky = new_notebook(cells=[new_code_cell("def f(x):\n    return secret_formula(x) + 12345"),
                                new_code_cell("assert f(2) == 12347  # hidden case\n### END HIDDEN TESTS")])
    assert grading.find_leaks(source, leaky) == [
        "return secret_formula(x) + 12345", "assert f(2) == 12347  # hidden case", "### END HIDDEN TESTS"]


def test_check_release_names_missing_and_leaky_student_versions(tmp_path):
    (tmp_path / "source" / "hw").mkdir(parents=True)
    nbformat.write(_source_notebook(), tmp_path / "source" / "hw" / "hw.ipynb")
    assert "missing" in grading.check_release(tmp_path)[0]
    (tmp_path / "release" / "hw").mkdir(parents=True)
    nbformat.write(_source_notebook(), tmp_path / "release" / "hw" / "hw.ipynb")
    problems = grading.check_release(tmp_path)
    assert any("secret_formula" in p for p in problems) and any("BEGIN SOLUTION" in p for p in problems)


def _row(student, question, score, max_score, result="passed"):
    return grading.QuestionResult(student, "hw", question, score, max_score, result)


def test_report_has_a_points_table_and_words_for_every_lost_point(tmp_path):
    rows = [_row("ada", "q1", 1, 1), _row("ada", "q2", 2, 2),
            _row("bob", "q1", 0, 1, "failed: timed out: the cell was still running at the time limit"),
            _row("bob", "q2", 2, 2, "passed; test cell edited in the submission; replaced by the original and run")]
    csv_path, md_path = grading.write_report(rows, "hw", tmp_path / "reports")
    report = md_path.read_text()
    assert "| student | q1 (/1) | q2 (/2) | total (/3) |" in report
    assert "| ada | 1 | 2 | 3 |" in report and "| bob | 0 | 2 | 2 |" in report
    assert "- **bob**, q1 (0/1): failed: timed out" in report
    assert "- **bob**, q2 (2/2): passed; test cell edited" in report  # full marks, but worth knowing
    assert "ada**" not in report
    assert csv_path.read_text().splitlines()[0] == "student,notebook,question,score,max_score,result"


def test_report_of_nothing_says_what_to_do():
    assert "collect and autograde first" in grading.format_report([], "hw")


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
    text = grading._describe_result("t1", 0, 1, release, submitted, graded)
    assert text == ("failed: AssertionError: Not yet: wrong (the answer cell itself stopped with timed out: the cell "
                    "was still running at the time limit and was stopped); test cell edited in the submission; "
                    "replaced by the original and run")
    assert grading._describe_result("t1", 1, 1, release, new_notebook(), graded).startswith(
        "passed; test cell deleted")
    assert grading._describe_result("t1", 0, 1, release, None, None) == "no submission for this notebook"
    assert grading._describe_result("t1", 0, 1, release, submitted, None).startswith("not graded")


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
    assert grading.find_tampering(new_notebook(cells=[ordinary, test_cell, locked])) == []
    assert grading.find_tampering(new_notebook(cells=[patched])) == [
        "np.array_equal = lambda *a: True", "setattr(np, 'allclose', print)", "import builtins",
        "sys.modules['numpy'] = None"]
    assert grading.find_tampering(None) == []

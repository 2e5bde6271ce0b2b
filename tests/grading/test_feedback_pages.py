"""Feedback pages: each hidden test's result in words, never a line of its code.

The shared graded course has feedback pages for assignment 1 (``make feedback`` in
``course.py``); this module makes them for the other assignments as well, then greps every
generated file of every learner for every line of every hidden test of the sources.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_grading.feedback import REDACTED, HideHiddenTests, hidden_test_lines, redact, summarize_test
from course_grading.release import HIDDEN_BLOCK, MIN_LEAK_LENGTH
from course_grading.tampering import CHECK_MARKER, CHECK_PREFIX
from tests.grading.course import ASSIGNMENTS, COURSE, REPO, make

pytestmark = pytest.mark.grader


def _public_lines() -> set[str]:
    """Lines of the course's public code: a hidden test line that equals one of them is no hidden."""
    return {line.strip() for path in (REPO / "course_lib").rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines()}


def secret_lines(assignment: str) -> set[str]:
    """Every line of every hidden-test block of the source, as long as a leak would have to be.

    Lines the source also shows outside its hidden tests and lines of the public course
    library are left out: they reach learners anyway.
    """
    source = nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4)
    hidden = {line.strip() for cell in source.cells for block in HIDDEN_BLOCK.findall(cell.source)
              for line in block.splitlines()}
    shown = {line.strip() for cell in source.cells for line in HIDDEN_BLOCK.sub("", cell.source).splitlines()}
    return {line for line in hidden - shown - _public_lines() if len(line) >= MIN_LEAK_LENGTH}


def _visible_text(page: str) -> str:
    """A page's text as a browser shows it: tags dropped (code is split into coloured spans), entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def pages(course):
    """relative path -> text of every file under feedback/, for every assignment and learner."""
    root = course["root"]
    for assignment in ASSIGNMENTS:
        if not list((root / "feedback").glob(f"*/{assignment}/*.html")):
            make("feedback", f"COURSE={os.path.relpath(root, REPO)}", f"ASSIGNMENT={assignment}")
    return {str(path.relative_to(root / "feedback")): path.read_text(encoding="utf-8", errors="replace")
            for path in sorted((root / "feedback").rglob("*")) if path.is_file()}


# --- On every page of the shared course ----------------------------------------------------------


@pytest.mark.slow
def test_every_graded_learner_has_a_page(course, pages):
    for assignment, student in course["expected"]:
        graded = course["root"] / "autograded" / student / assignment / f"{assignment}.ipynb"
        if graded.exists():
            assert f"{student}/{assignment}/{assignment}.html" in pages, (student, assignment)


@pytest.mark.slow
def test_no_page_holds_a_line_of_a_hidden_test(pages):
    secrets = {assignment: secret_lines(assignment) for assignment in ASSIGNMENTS}
    assert all(secrets.values()), "every assignment has hidden tests to look for"
    for name, text in pages.items():
        assignment = Path(name).parts[1]
        views = (text, _visible_text(text))
        leaked = [line for line in secrets[assignment] if any(line in view for view in views)]
        assert leaked == [], f"{name} shows hidden tests: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text, name


@pytest.mark.slow
def test_pages_show_each_tests_result_in_words(pages):
    for name, text in pages.items():
        if not name.endswith(".html"):
            continue
        visible = _visible_text(text)
        assert CHECK_MARKER not in visible and CHECK_PREFIX not in visible, name  # the grader's checks are gone
        if name.startswith("solution/"):
            assignment = Path(name).parts[1]
            source = nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4)
            for cell in source.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                if cell.metadata.get("nbgrader", {}).get("grade"):
                    assert f"# Graded test {grade_id.removesuffix('_tests')}: passed" in visible, (name, grade_id)
    partial = _visible_text(pages["partial/a1_tensors/a1_tensors.html"])
    assert "# Graded test q1_tensor_facts: passed" in partial
    assert "# Graded test q2_centre_crop: failed: AssertionError: one of the hidden test cases did not pass" \
        in partial
    assert "# Graded test q4_count_batches: failed: AssertionError: Not yet" in partial
    assert "def count_batches(num_samples, batch_size):" in partial  # the learner's own code stays
    blank = _visible_text(pages["blank/a1_tensors/a1_tensors.html"])
    assert "# Graded test q3_get_batch: failed: AssertionError: Not answered yet" in blank


@pytest.mark.slow
def test_a_submission_that_prints_the_hidden_tests_shows_none_on_its_page(pages):
    page = _visible_text(pages["peeker/a1_tensors/a1_tensors.html"])
    assert REDACTED in page  # it printed them: the lines were removed
    assert "print(SEEN)" in page and "# Graded test q2_centre_crop: passed" in page


# --- Without nbgrader ------------------------------------------------------------------------------


def test_hidden_test_lines_leave_out_short_and_visible_lines():
    sources = ["import numpy as np\nrequire(check(f))\n### BEGIN HIDDEN TESTS\nimport numpy as np\n"
               "f(3) == 9\nassert f(np.arange(4)).sum() == 14\n### END HIDDEN TESTS"]
    assert hidden_test_lines(sources) == {"assert f(np.arange(4)).sum() == 14"}


def test_redact_finds_a_line_however_it_was_printed():
    hidden = 'assert f(np.array([1, 2]), "x") == 3'
    printed = [hidden, repr(hidden), repr([hidden + "\n", "more"]), html.escape(hidden), f"\x1b[0;32m{hidden}\x1b[0m",
               repr(repr(hidden))]
    for text in printed:
        assert redact(f"before\n{text}\nafter", {hidden}) == f"before\n{REDACTED}\nafter", text
    assert redact("assert f(np.array([1, 2]), 'y') == 3", {hidden}) == "assert f(np.array([1, 2]), 'y') == 3"


def test_summaries_say_passed_failed_and_why():
    cell = new_code_cell("hidden")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "q2_crop_tests", "points": 2}
    assert summarize_test(cell) == ("Graded test q2_crop: passed", "")
    cell.outputs = [new_output("error", ename="AssertionError", evalue="", traceback=["assert crop(x) == 1"])]
    assert summarize_test(cell)[0] == "Graded test q2_crop: failed: AssertionError: one of the hidden test cases " \
        "did not pass"
    cell.outputs = [new_output("error", ename="AssertionError", evalue="Not yet: wrong\nHint: look", traceback=[])]
    assert summarize_test(cell) == ("Graded test q2_crop: failed: AssertionError: Not yet: wrong",
                                    "AssertionError: Not yet: wrong\nHint: look")
    cell.outputs = [new_output("error", ename="CellTimeoutError", evalue="", traceback=[])]
    assert "timed out" in summarize_test(cell)[0]


def test_the_feedback_step_rewrites_test_cells_and_drops_checks(monkeypatch):
    hidden = "assert crop(np.ones((3, 10, 12)), 4).shape == (3, 4, 4)"
    test = new_code_cell("require(check(crop))\n" + hidden)
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "q2_crop_tests", "points": 2, "solution": False}
    test.outputs = [new_output("error", ename="AssertionError", evalue="", traceback=[f"----> 2 {hidden}"]),
                    new_output("stream", name="stdout", text="debug print of the hidden input\n")]
    answer = new_code_cell("def crop(x, n):\n    return x\nprint(In)")
    answer.outputs = [new_output("stream", name="stdout", text=str(["", "x", "require(check(crop))\n" + hidden]))]
    check = new_code_cell(CHECK_MARKER + "\nprint('course-grading-check')")
    nb = new_notebook(cells=[answer, test, check])
    monkeypatch.setattr(HideHiddenTests, "_hidden_lines", lambda self, resources: {hidden})
    nb, _ = HideHiddenTests().preprocess(nb, {})
    assert [cell.source for cell in nb.cells] == [
        "def crop(x, n):\n    return x\nprint(In)",
        "# Graded test q2_crop: failed: AssertionError: one of the hidden test cases did not pass"]
    assert nb.cells[0].outputs[0]["text"] == REDACTED
    assert nb.cells[1].outputs[0]["text"] == "AssertionError\n"

"""The assignments, graded end to end with the instructor guide's own commands.

One course folder (a copy of ``assignments/``) goes through ``make student-versions``,
``make collect``, ``make autograde``, ``make feedback`` and ``make grades``, exactly as
the README tells instructors, with prepared submissions: the solution, the untouched
student version, a partly right one per assignment, and hostile ones (code that raises,
loops forever, deletes or edits test cells, prints enormous output, kills its kernel).
"""

from __future__ import annotations

import csv
import linecache
import re

import nbformat
import pytest

from course_grading.__main__ import main as grading_main
from course_grading.notebooks import nbgrader_meta
from course_grading.release import HIDDEN_BLOCK, MIN_LEAK_LENGTH, find_leaks
from course_lib.feedback import assignments
from tests.grading.course import ASSIGNMENTS, COURSE, REPO, graded_rows, make, report_rows
from tests.grading.submissions import CRASHER, HOSTILE, PARTIAL

pytestmark = [pytest.mark.slow, pytest.mark.grader]


# --- Student versions --------------------------------------------------------------------


def test_committed_student_versions_are_what_generation_gives(course):
    for assignment in ASSIGNMENTS:
        fresh = nbformat.read(course["root"] / "release" / assignment / f"{assignment}.ipynb", 4)
        committed = nbformat.read(COURSE / "release" / assignment / f"{assignment}.ipynb", 4)
        assert [(c.cell_type, c.source, nbgrader_meta(c)) for c in committed.cells] == \
            [(c.cell_type, c.source, nbgrader_meta(c)) for c in fresh.cells], \
            f"{assignment}: run `make student-versions` and commit assignments/release"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_versions_hold_no_solutions_or_hidden_tests(course, assignment):
    source = nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4)
    for release_dir in (COURSE / "release", course["root"] / "release"):
        release = nbformat.read(release_dir / assignment / f"{assignment}.ipynb", 4)
        text = "\n".join(cell.source for cell in release.cells)
        assert find_leaks(source, release) == []
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        # Independently of find_leaks: every answer cell is back to the stub, and every
        # test cell holds only its visible part.
        for cell in release.cells:
            meta = nbgrader_meta(cell)
            if meta.get("solution"):
                assert "raise NotImplementedError()" in cell.source
                body = [line.strip() for line in cell.source.splitlines()
                        if line.strip() and not line.strip().startswith(("def ", '"""', "#", "raise Not", "import "))]
                assert body == [], f"{meta['grade_id']} keeps solution lines: {body}"
            if meta.get("grade"):
                code = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
                assert all(line.startswith(("import ", "from ", "require(")) for line in code), code


def test_find_leaks_catches_a_student_version_that_kept_a_solution():
    source = nbformat.read(COURSE / "source" / "a1_tensors" / "a1_tensors.ipynb", 4)
    leaky = nbformat.read(COURSE / "release" / "a1_tensors" / "a1_tensors.ipynb", 4)
    for cell, original in zip(leaky.cells, source.cells):
        if nbgrader_meta(cell).get("grade_id") == "q2_centre_crop":
            cell.source = original.source.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION\n", "")
    leaks = find_leaks(source, leaky)
    assert any("top, left = (height - size) // 2" in line for line in leaks)


def test_hidden_tests_stay_out_of_the_learner_checks():
    """The learner-side checks are public: no hidden test case may appear in them.

    A case is a line of a hidden test that carries data (a number); generic lines such as
    ``original = x.copy()`` may well appear in both.
    """
    public = (REPO / "course_lib" / "feedback" / "assignments.py").read_text(encoding="utf-8")
    for assignment in ASSIGNMENTS:
        source = nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4)
        for cell in source.cells:
            for block in HIDDEN_BLOCK.findall(cell.source):
                for line in block.splitlines():
                    line = line.strip()
                    if re.search(r"\d", line) and len(line) >= MIN_LEAK_LENGTH:
                        assert line not in public, \
                            f"{assignment}: hidden test line in course_lib.feedback.assignments: {line}"


# --- Scores -----------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("student", ["solution", "blank", "partial"])
def test_scores_per_question(course, assignment, student):
    """Solution: full marks. Untouched student version: zero. Partial: exactly the prepared points."""
    rows = report_rows(course["root"], assignment)
    submission = course["expected"][assignment, student]
    got = {question: float(row["score"]) for (who, question), row in rows.items() if who == student}
    assert got == {q: float(p) for q, p in submission.expected.items()}, rows
    if student == "solution":
        assert all(rows[student, q]["result"] == "passed" for q in got)
    if student == "blank":
        assert all("Not answered yet" in rows[student, q]["result"] for q in got)


def test_partial_scores_in_the_exported_grades(course):
    """nbgrader's own export agrees with the report: the partial totals are exact."""
    with open(course["root"] / "grades.csv", newline="", encoding="utf-8") as handle:
        grades = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    for assignment in ASSIGNMENTS:
        partial = PARTIAL[assignment]
        row = grades[assignment, "partial"]
        assert float(row["raw_score"]) == sum(partial.expected.values())
        assert float(row["max_score"]) == float(grades[assignment, "solution"]["raw_score"])
        assert float(grades[assignment, "blank"]["raw_score"]) == 0.0


# --- Hostile submissions -------------------------------------------------------------------


@pytest.mark.parametrize("submission", HOSTILE, ids=lambda s: s.student)
def test_hostile_submission_graded_per_question(course, submission):
    for question, row in graded_rows(course["root"], "a1_tensors", submission).items():
        assert float(row["max_score"]) == {"q2_centre_crop_tests": 2}.get(question, 1), row


def test_enormous_output_is_cut_down_in_the_graded_notebook(course):
    graded = course["root"] / "autograded" / "printer" / "a1_tensors" / "a1_tensors.ipynb"
    assert graded.stat().st_size < 300_000
    assert "output truncated by the grader" in graded.read_text(encoding="utf-8")


def test_a_submission_that_kills_its_kernel_is_reported_not_fatal(course):
    run = course["runs"]["autograde", "a1_tensors"]
    assert run.returncode != 0  # nbgrader says something needs a person...
    assert "nbgrader could not run some submissions" in run.stdout
    rows = report_rows(course["root"], "a1_tensors")
    for question, points in CRASHER.expected.items():
        assert float(rows["crasher", question]["score"]) == points
        assert "not graded" in rows["crasher", question]["result"]
    # ...and every other learner of that assignment was graded all the same.
    assert rows["solution", "q4_count_batches_tests"]["result"] == "passed"


def test_report_markdown_and_feedback_pages(course):
    for assignment in ASSIGNMENTS:  # make autograde prints the report for the instructor
        assert f"# Autograding report: {assignment}" in course["runs"]["autograde", assignment].stdout
        assert "has changed!" not in course["runs"]["autograde", assignment].stderr  # no nbgrader noise
    report = (course["root"] / "reports" / "a1_tensors.md").read_text(encoding="utf-8")
    assert re.search(r"\| solution \| 1 \| 2 \| 1 \| 1 \| 5 \|", report)
    assert "| partial | 1 | 0 | 1 | 0 | 2 |" in report
    assert "timed out" in report and "restored" in report
    feedback = course["root"] / "feedback" / "partial" / "a1_tensors" / "a1_tensors.html"
    assert feedback.exists() and "centre_crop" in feedback.read_text(encoding="utf-8")
    assert (course["root"] / "feedback" / "solution" / "a1_tensors" / "a1_tensors.html").exists()


# --- The commands themselves -------------------------------------------------------------


def test_grading_targets_ask_for_the_assignment_name(tmp_path):
    result = make("autograde", f"COURSE={COURSE}", check=False)
    assert result.returncode != 0
    assert "Name the assignment: make autograde ASSIGNMENT=<name>, one of: " + " ".join(ASSIGNMENTS) in result.stdout


def test_report_command_explains_a_missing_gradebook(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    (tmp_path / "source" / "a1_tensors").mkdir(parents=True)
    assert grading_main(["report", "a1_tensors", "--course", str(tmp_path)]) == 2
    assert grading_main(["report", "--course", str(tmp_path)]) == 2
    assert grading_main(["check-release", "--course", str(tmp_path / "nowhere")]) == 2


def test_readme_instructor_guide_uses_these_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("make grader", "make student-versions", "make collect ASSIGNMENT=a1_tensors",
                    "make autograde ASSIGNMENT=a1_tensors", "make feedback ASSIGNMENT=a1_tensors", "make grades"):
        assert command in readme, command


def test_learner_checks_accept_the_solutions_and_refuse_the_stubs():
    """Every question's public check passes on the instructor's solution and reports a stub as unanswered."""
    for assignment in ASSIGNMENTS:
        source = nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4)
        release = nbformat.read(COURSE / "release" / assignment / f"{assignment}.ipynb", 4)
        for nb, want in ((source, True), (release, False)):
            namespace: dict = {}
            for cell in nb.cells:
                meta = nbgrader_meta(cell)
                if meta.get("solution") or meta.get("grade_id") == "imports":
                    # Kept in linecache as IPython keeps a cell: the checks read the functions' code for the rules.
                    filename = f"<{assignment} {meta['grade_id']}>"
                    linecache.cache[filename] = (len(cell.source), None, cell.source.splitlines(True), filename)
                    exec(compile(cell.source, filename, "exec"), namespace)  # noqa: S102 - our own notebooks
                elif meta.get("grade_id", "").endswith("_check"):
                    call = cell.source.splitlines()[-1]
                    feedback = eval(call, {"check": assignments, **namespace})  # noqa: S307
                    assert bool(feedback) is want, (assignment, call, feedback.message)
                    if not want:
                        assert feedback.message.startswith("Not answered yet"), feedback.message

"""Reading the grades back: one row per learner and question, as CSV and Markdown.

:func:`question_results` gives the points and a plain-words result for every learner and
graded test cell ("passed", "failed: ...", "timed out ...", "test cell deleted in the
submission; restored and run"), with submissions that patch library code at run time
(:func:`find_tampering`) flagged for a person to check; :func:`write_report` writes them
as ``reports/<assignment>.csv`` and ``.md`` (``python -m course_grading report``, which
``make autograde`` runs).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from course_grading.notebooks import nbgrader_meta


@dataclass(frozen=True)
class QuestionResult:
    """One learner's result on one graded test cell."""

    student: str
    notebook: str
    question: str
    score: float
    max_score: float
    result: str


def question_results(course_dir, assignment: str) -> list[QuestionResult]:
    """Return one :class:`QuestionResult` per submitted learner and graded test cell.

    Reads nbgrader's gradebook for the points and the submitted and autograded
    notebooks for what happened: the first error of a failing test cell, the error of
    the answer cell before it, a time-out, truncated output, and test cells the
    submission had deleted or edited (the grader restores and runs the originals).
    A submission nbgrader could not run at all (a crashed kernel, say) gets zero on
    every question and says so.
    """
    course = Path(course_dir).resolve()
    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebooks = sorted(nb.name for nb in gradebook.find_assignment(assignment).notebooks)
        for submission in sorted(gradebook.assignment_submissions(assignment), key=lambda s: s.student.id):
            student = submission.student.id
            for notebook in notebooks:
                source = _read(course / "source" / assignment / f"{notebook}.ipynb")
                release = _read(course / "release" / assignment / f"{notebook}.ipynb")
                submitted = _read(course / "submitted" / student / assignment / f"{notebook}.ipynb")
                graded = _read(course / "autograded" / student / assignment / f"{notebook}.ipynb")
                for grade_id, max_score in _graded_cells(source):
                    try:
                        grade = gradebook.find_grade(grade_id, notebook, assignment, student)
                        score = float(grade.score or 0.0)
                    except MissingEntry:
                        score = 0.0
                    result = _describe_result(grade_id, score, max_score, release, submitted, graded)
                    rows.append(QuestionResult(student, notebook, grade_id, score, max_score, result))
    return rows


def write_report(rows: list[QuestionResult], assignment: str, out_dir) -> tuple[Path, Path]:
    """Write ``<assignment>.csv`` (one row per learner and question) and ``<assignment>.md``.

    The Markdown file has a table of points per learner (questions as columns, then
    the total) and, below it, every result that was not full marks, in words.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{assignment}.csv", out / f"{assignment}.md"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "question", "score", "max_score", "result"])
        for row in rows:
            writer.writerow([row.student, row.notebook, row.question, _points(row.score), _points(row.max_score),
                             row.result])
    md_path.write_text(format_report(rows, assignment), encoding="utf-8")
    return csv_path, md_path


def format_report(rows: list[QuestionResult], assignment: str) -> str:
    """Return the Markdown report described in :func:`write_report`."""
    questions = list(dict.fromkeys(row.question for row in rows))
    students = list(dict.fromkeys(row.student for row in rows))
    maxima = {row.question: row.max_score for row in rows}
    lines = [f"# Autograding report: {assignment}", ""]
    if not rows:
        return "\n".join(lines + ["No graded submissions yet: collect and autograde first.", ""])
    total = sum(maxima.values())
    lines.append("| student | " + " | ".join(f"{q} (/{_points(maxima[q])})" for q in questions)
                 + f" | total (/{_points(total)}) |")
    lines.append("|---" * (len(questions) + 2) + "|")
    for student in students:
        scores = {row.question: row.score for row in rows if row.student == student}
        lines.append(f"| {student} | " + " | ".join(_points(scores.get(q, 0.0)) for q in questions)
                     + f" | {_points(sum(scores.values()))} |")
    problems = [row for row in rows if row.score < row.max_score or row.result != "passed"]
    lines += ["", "## What happened where points were lost", ""]
    if not problems:
        lines.append("Every question of every submission passed.")
    for row in problems:
        lines.append(f"- **{row.student}**, {row.question} ({_points(row.score)}/{_points(row.max_score)}): "
                     f"{row.result}")
    return "\n".join(lines) + "\n"


def _read(path: Path):
    if not path.exists():
        return None
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 - a corrupt submission is reported, not fatal
        return None


def _graded_cells(source) -> list[tuple[str, float]]:
    if source is None:
        return []
    return [(nbgrader_meta(c)["grade_id"], float(nbgrader_meta(c).get("points", 0)))
            for c in source.cells if nbgrader_meta(c).get("grade")]


def _find(nb, grade_id):
    if nb is None:
        return None, None
    for index, cell in enumerate(nb.cells):
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return index, cell
    return None, None


def _first_error(cell) -> str | None:
    for output in (cell or {}).get("outputs", []):
        if output.get("output_type") == "error":
            name, value = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
            if name in ("CellTimeoutError", "KeyboardInterrupt"):  # nbgrader interrupts a cell at its time limit
                return "timed out: the cell was still running at the time limit and was stopped"
            value = value.splitlines()[0] if value else ""
            value = value if len(value) <= 160 else value[:157] + "..."
            return f"{name}: {value}" if value else name
    return None


def _was_truncated(cell) -> bool:
    for output in (cell or {}).get("outputs", []):
        text = output.get("text", "")
        if "Output truncated" in text or "output truncated by the grader" in text:
            return True
    return False


def _describe_result(grade_id, score, max_score, release, submitted, graded) -> str:
    if submitted is None:
        return "no submission for this notebook"
    if graded is None:
        return ("not graded: nbgrader could not run this submission (for example the code crashed the "
                "Python kernel); see nbgrader's log and grade it by hand")
    notes = []
    _, handed_out = _find(release, grade_id)
    _, submitted_cell = _find(submitted, grade_id)
    if submitted_cell is None:
        notes.append("test cell deleted in the submission; restored from the source and run")
    elif handed_out is not None and submitted_cell.source.strip() != handed_out.source.strip():
        notes.append("test cell edited in the submission; replaced by the original and run")
    index, graded_cell = _find(graded, grade_id)
    answer_cell = None
    if index is not None:
        for cell in reversed(graded.cells[:index]):
            if nbgrader_meta(cell).get("solution"):
                answer_cell = cell
                break
    answer_error = _first_error(answer_cell)
    if _was_truncated(answer_cell) or _was_truncated(graded_cell):
        notes.append("printed output was truncated")
    if score >= max_score:
        outcome = "passed"
    else:
        test_error = _first_error(graded_cell) or "no points (the test cell did not pass)"
        outcome = f"failed: {test_error}"
        if answer_error:
            outcome += f" (the answer cell itself stopped with {answer_error})"
    tampering = find_tampering(submitted)
    if tampering:
        notes.append(f"the notebook changes library code at run time ({tampering[0]!r}), which can fool tests; "
                     "check these points by hand")
    return "; ".join([outcome] + notes)


#: What learners' code names library code by: NumPy, TensorFlow, course_lib and the names the
#: assignments import its checks under (``check``, ``feedback.assignments``, ``feedback.base``;
#: the names from before course_lib.feedback are kept too).
LIBRARY_NAMES = ("np", "numpy", "tf", "tensorflow", "course_lib", "check", "checks", "assignment_checks",
                 "feedback", "assignments", "base", "builtins")
#: Code that rebinds library functions or reaches into the interpreter: legitimate answers
#: never need it, and it can make tests pass that should not (they run in the same kernel).
TAMPERING = [
    re.compile(r"^\s*(?:" + "|".join(LIBRARY_NAMES) + r")(?:\.\w+)+\s*=[^=]", re.M),
    re.compile(r"\bsetattr\s*\("),
    re.compile(r"__builtins__|\bimport\s+builtins\b|\bfrom\s+builtins\b"),
    re.compile(r"\bsys\.modules\s*\[[^\]]*\]\s*=[^=]|\bdel\s+sys\.modules|\bsys\.modules\.(?:pop|update|clear)\b"),
]


def find_tampering(nb) -> list[str]:
    """Return the lines of ``nb``'s own code that patch library code at run time.

    Test cells and other locked cells are skipped: the grader replaces them with the
    instructor's versions anyway.
    """
    found = []
    for cell in (nb.cells if nb is not None else []):
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or meta.get("locked"):
            continue
        for line in cell.source.splitlines():
            if any(pattern.search(line) for pattern in TAMPERING):
                found.append(line.strip())
    return found


def _points(value: float) -> str:
    return f"{value:g}"

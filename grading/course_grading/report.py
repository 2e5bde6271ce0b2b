"""Reading the grades back: one row per learner and question, as CSV and Markdown.

:func:`question_results` gives the points and a plain-words result for every learner and
graded test cell ("passed", "failed: ...", "timed out ...", "test cell deleted in the
submission; restored and run"); :func:`write_report` writes them as
``reports/<assignment>.csv`` and ``.md`` (``python -m course_grading report``, which
``make autograde`` runs).

The report trusts nothing learner code could have written. The points of a question come
from its test cell as it ran in the autograded notebook (nbgrader's own rule: full points
unless the cell shows an error; the maximum from the instructor's source), not from the
gradebook or the notebook's metadata; the gradebook is read to cross-check. A question
**needs review** (listed apart, its points left out of the total) when the gradebook
disagrees, holds a ``manual_score`` or ``needs_manual_grade``, the graded test cell is not
the instructor's, the notebook's code could fool the tests (:func:`find_tampering`, an AST
walk) or the grader's run-time check after the test found a library object replaced
(:mod:`course_grading.tampering`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import determine_grade

from course_grading.collect import collect_problem
from course_grading.notebooks import nbgrader_meta
from course_grading.tampering import LIBRARY_NAMES, edited_flags, find_tampering, runtime_problems, tampering_flags

__all__ = ["LIBRARY_NAMES", "QuestionResult", "executed_points", "find_tampering", "format_report", "question_results",
           "write_report"]


@dataclass(frozen=True)
class QuestionResult:
    """One learner's result on one graded test cell."""

    student: str
    notebook: str
    question: str
    score: float
    max_score: float
    result: str
    #: Why a person should check these points (empty: nothing to check); the CSV appends
    #: them to ``result`` as "needs review: ...", the Markdown lists them apart.
    review: tuple[str, ...] = ()

    @property
    def full_result(self) -> str:
        """``result``, then the reasons for review, as the CSV's ``result`` column has them."""
        return self.result + "".join(f"; needs review: {reason}" for reason in self.review)


def question_results(course_dir, assignment: str) -> list[QuestionResult]:
    """Return one :class:`QuestionResult` per submitted learner and graded test cell.

    The points come from the autograded notebook's test cells as they ran
    (:func:`executed_points`), cross-checked with nbgrader's gradebook; the submitted and
    autograded notebooks say what happened: the first error of a failing test cell, the
    error of the answer cell before it, a time-out, truncated output, and test cells the
    submission had deleted or edited (the grader restores and runs the originals).
    A submission nbgrader could not run at all (a crashed kernel, say) gets zero on
    every question and says so. ``review`` holds every reason to check the points by hand
    (see the module docstring).
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
                problem = collect_problem(course / "submitted" / student / assignment, notebook)  # malformed
                suspicious, notes = _code_review(graded if graded is not None else submitted, source)
                for grade_id, max_score in _graded_cells(source):
                    try:
                        grade = gradebook.find_grade(grade_id, notebook, assignment, student)
                    except MissingEntry:
                        grade = None
                    score, review = _checked_points(grade_id, max_score, source, graded, grade)
                    if submitted is not None and graded is None:
                        review.append("nbgrader could not run this notebook")
                    if submitted is not None or graded is not None:
                        review += suspicious
                    review += [f"the grader's run-time check after this test found library objects changed "
                               f"({problem}); check these points by hand"
                               for problem in runtime_problems(graded, grade_id) or []]
                    result = _describe_result(grade_id, score, max_score, release, submitted, graded, problem)
                    if graded is not None and notes:
                        result += "; " + "; ".join(notes)
                    result += _flags_note(submitted, source, grade_id)
                    rows.append(QuestionResult(student, notebook, grade_id, score, max_score, result,
                                               tuple(dict.fromkeys(review))))
    return rows


def executed_points(cell, max_score: float) -> float:
    """The points of a test cell as it ran, by nbgrader's rule, with the instructor's maximum.

    Full points unless the cell shows an error (or wrote to stderr); a number as the cell's
    result is partial credit. What the notebook's metadata says (its ``points``, a score)
    is ignored: only the outputs the grader's kernel produced count.
    """
    if cell is None or cell.get("cell_type") != "code":
        return 0.0
    judged = nbformat.from_dict({"cell_type": "code", "source": cell.get("source", ""), "execution_count": None,
                                 "outputs": cell.get("outputs", []),
                                 "metadata": {"nbgrader": {"grade": True, "solution": False, "points": max_score}}})
    try:
        score, _ = determine_grade(judged)
    except (ValueError, KeyError, TypeError):
        return 0.0  # nbgrader would fail on this output too
    return float(score or 0.0)


def _checked_points(grade_id, max_score, source, graded, grade) -> tuple[float, list[str]]:
    """The executed points of one question and the reasons to check them (gradebook disagreements)."""
    _, source_cell = _find(source, grade_id)
    manual = source_cell is not None and (nbgrader_meta(source_cell).get("solution")
                                          or source_cell.cell_type != "code")
    review = []
    if graded is None:  # nothing ran: no points (the result says to grade it by hand)
        if grade is not None and grade.manual_score is not None:
            review.append(f"the gradebook holds a manual score of {_points(grade.manual_score)}")
        return 0.0, review
    _, graded_cell = _find(graded, grade_id)
    if manual:  # an answer graded by hand: the gradebook is the only record
        score = float(grade.score or 0.0) if grade is not None else 0.0
        if grade is None or grade.needs_manual_grade:
            review.append("this answer is graded by hand and has no grade yet")
        return score, review
    if graded_cell is None:
        review.append("the test cell is missing from the graded notebook")
    elif source_cell is not None and not _same_test(graded_cell.source, source_cell.source):
        review.append("the graded notebook's test cell is not the instructor's")
    score = executed_points(graded_cell, max_score)
    if grade is None:
        review.append("the gradebook has no grade for this question")
        return score, review
    recorded = float(grade.score) if grade.score is not None else None
    if grade.manual_score is not None:
        review.append(f"the gradebook holds a manual score of {_points(grade.manual_score)}")
    if grade.needs_manual_grade:
        review.append("the gradebook marks this for grading by hand")
    if recorded is None or abs(recorded - score) > 1e-9:
        review.append(f"the gradebook says {_points(recorded) if recorded is not None else 'nothing'}, the executed "
                      f"test cell gives {_points(score)}")
    if grade.max_score is not None and abs(float(grade.max_score) - max_score) > 1e-9:
        review.append(f"the gradebook's maximum is {_points(grade.max_score)}, the source's {_points(max_score)}")
    return score, review


def _flags_note(submitted, source, grade_id) -> str:
    """Says so when the submission edited a test cell's grading flags (the grader restores them)."""
    _, mine = _find(submitted, grade_id)
    _, original = _find(source, grade_id)
    if mine is None or original is None:
        return ""
    changed = edited_flags(mine, original)
    if not changed:
        return ""
    return ("; grading metadata edited in the submission (" + ", ".join(
        f"{key} removed (was {old!r})" if new is None else f"{key} {new!r} instead of {old!r}"
        for key, (old, new) in changed.items()) + "); the instructor's restored")


def _same_test(ran: str, original: str) -> bool:
    """Whether a graded test cell is the instructor's (a restored cell starts with nbgrader's comment)."""
    if ran.strip() == original.strip():
        return True
    head, found, tail = ran.rpartition(original.strip())
    return bool(found) and not tail.strip() and all(line.lstrip().startswith("#") or not line.strip()
                                                    for line in head.splitlines())


def _code_review(nb, source) -> tuple[list[str], list[str]]:
    """Reasons for review that hold for every question of a notebook (its code), and other notes."""
    flags = tampering_flags(nb, source)
    serious = [flag for flag in flags if flag.review]
    review = []
    if serious:
        first = serious[0]
        more = len({flag.line for flag in serious}) - 1
        review.append(f"the notebook {first.reason} ({first.line!r}"
                      + (f" and {more} more line{'s' if more > 1 else ''}" if more > 0 else "")
                      + "), which can fool tests; check these points by hand")
    notes = [f"the notebook {flag.reason}; Python refused that cell too, so nothing in it ran"
             for flag in flags if not flag.review][:1]
    return review, notes


def write_report(rows: list[QuestionResult], assignment: str, out_dir, notes=()) -> tuple[Path, Path]:
    """Write ``<assignment>.csv`` (one row per learner and question) and ``<assignment>.md``.

    The Markdown file has a table of points per learner (questions as columns, then
    the total) and, below it, every result that was not full marks, in words. ``notes``
    (lines about the grading run itself, e.g. :func:`course_grading.sandbox.report_notes`)
    come first.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{assignment}.csv", out / f"{assignment}.md"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "question", "score", "max_score", "result"])
        for row in rows:
            writer.writerow([row.student, row.notebook, row.question, _points(row.score), _points(row.max_score),
                             row.full_result])
    md_path.write_text(format_report(rows, assignment, notes), encoding="utf-8")
    return csv_path, md_path


def format_report(rows: list[QuestionResult], assignment: str, notes=()) -> str:
    """Return the Markdown report described in :func:`write_report`."""
    questions = list(dict.fromkeys(row.question for row in rows))
    students = list(dict.fromkeys(row.student for row in rows))
    maxima = {row.question: row.max_score for row in rows}
    lines = [f"# Autograding report: {assignment}", ""] + [line for note in notes for line in (note, "")]
    if not rows:
        return "\n".join(lines + ["No graded submissions yet: collect and autograde first.", ""])
    total = sum(maxima.values())
    lines.append("| student | " + " | ".join(f"{q} (/{_points(maxima[q])})" for q in questions)
                 + f" | total (/{_points(total)}) | needs review |")
    lines.append("|---" * (len(questions) + 3) + "|")
    for student in students:
        mine = {row.question: row for row in rows if row.student == student}
        cells = [(f"({_points(mine[q].score)})" if mine[q].review else _points(mine[q].score)) if q in mine else "0"
                 for q in questions]
        clean = sum(row.score for row in mine.values() if not row.review)
        held = [row for row in mine.values() if row.review]
        lines.append(f"| {student} | " + " | ".join(cells) + f" | {_points(clean)} | "
                     + (f"{_points(sum(row.score for row in held))} in {len(held)}" if held else "-") + " |")
    review = [row for row in rows if row.review]
    lines += ["", "Points in parentheses need review (below): the total leaves them out and the last column "
              "adds them up (points, in how many questions).", "", "## Needs review", ""]
    if not review:
        lines.append("Nothing: every point comes from a test cell that ran cleanly, the gradebook agrees, and no "
                     "notebook changes what the tests rely on.")
    for row in review:
        origin = "" if row.result.startswith(("not graded", "no submission")) else " from the executed test cell"
        lines.append(f"- **{row.student}**, {row.question} ({_points(row.score)}/{_points(row.max_score)}{origin}, "
                     f"{row.result.split(';')[0]}): " + "; ".join(row.review))
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
            value = value if len(value) <= 300 else value[:297] + "..."
            return f"{name}: {value}" if value else name
    return None


def _was_truncated(cell) -> bool:
    for output in (cell or {}).get("outputs", []):
        text = output.get("text", "")
        if "Output truncated" in text or "output truncated by the grader" in text:
            return True
    return False


def _describe_result(grade_id, score, max_score, release, submitted, graded, problem=None) -> str:
    if submitted is None:
        # problem: make collect's record of a file it could not collect ("malformed notebook: ...")
        return problem or "no submission for this notebook"
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
    return "; ".join([outcome] + notes)


def _points(value: float) -> str:
    return f"{value:g}"

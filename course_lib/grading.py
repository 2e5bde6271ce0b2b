"""The instructor's side of the assignments: safe autograding and a per-question report.

The assignments are graded with nbgrader (see the README's "Assignments" section and
``assignments/nbgrader_config.py``). This module adds what nbgrader leaves out:

- :class:`RestoreDeletedTestCells`, nbgrader's step that puts deleted test cells back,
  made robust (nbgrader 0.9 crashes on a submission whose deleted test cell followed an
  ordinary locked cell, or whose answer cell was deleted too);
- :class:`LimitOutputSize`, an autograde step that caps every output by characters
  (nbgrader caps lines only, so one enormous line would otherwise bloat the graded
  notebook and the feedback page);
- :func:`question_results` and :func:`write_report`: one row per learner and question
  with the points and a plain-words result ("passed", "failed: ...", "timed out ...",
  "test cell deleted in the submission; restored and run"), as CSV and Markdown, with
  submissions that patch library code at run time flagged for a person to check;
- :func:`find_leaks`: lines of solutions or hidden tests that reached a student version.

Command line (run from the repository root; the Makefile's grading targets call it)::

    python -m course_lib.grading report a1_tensors --course assignments
    python -m course_lib.grading check-release --course assignments

Learners never need this module: it needs nbgrader (``requirements/grader.txt``), which
``make grader`` and ``make test`` install.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import OverwriteCells
from traitlets import Bool, Integer

#: The markers nbgrader uses in instructor sources.
SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
#: Lines shorter than this ("pass", "else:", "return x") are too common to count as a leak.
MIN_LEAK_LENGTH = 12

TRUNCATED = "... output truncated by the grader: {} more characters ..."


class LimitOutputSize(Preprocessor):
    """Cap each text output of a graded notebook at ``max_chars`` characters.

    Applies to printed text, results and rich text (``text/*`` and JSON data), error
    messages and traceback lines. Pictures are left alone.
    """

    max_chars = Integer(20_000, help="Most characters kept per output (-1: no limit).").tag(config=True)
    enabled = Bool(True, help="nbconvert runs a preprocessor only when enabled.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or self.max_chars < 0:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = self._cap(output.get("text", ""))
            elif output.get("output_type") == "error":
                output["evalue"] = self._cap(output.get("evalue", ""))
                output["traceback"] = [self._cap(line) for line in output.get("traceback", [])]
            elif "data" in output:
                for mime, value in output["data"].items():
                    if mime.startswith("text/") or mime.endswith("json"):
                        if isinstance(value, str):
                            output["data"][mime] = self._cap(value)
        return cell, resources

    def _cap(self, text):
        if isinstance(text, list):  # nbformat allows multi-line strings as lists
            text = "".join(text)
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + "\n" + TRUNCATED.format(len(text) - self.max_chars) + "\n"


class RestoreDeletedTestCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, with deleted test cells put back where they belong.

    Like nbgrader, it overwrites locked and test cells with the instructor's versions.
    With ``OverwriteCells.add_missing_cells = True`` it re-inserts every test cell the
    submission lacks after the nearest earlier cell of the source that the submission
    still has (nbgrader 0.9 looks only at the cell right before and fails with a
    ``KeyError`` when that one is an ordinary locked cell or was deleted as well).
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        cells = {cell.name: cell for cell in source_nb.source_cells}
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        order = _source_order(self.db_url, self.assignment_id, self.notebook_id) or list(cells)
        order += [name for name in cells if name not in order]
        for position, name in enumerate(order):
            present = {_nbgrader_meta(cell).get("grade_id"): i for i, cell in enumerate(nb.cells)}
            if name not in grade_cells or name in present:
                continue
            self.log.warning("Test cell %s was missing from the submission; restoring it", name)
            restored = self.missing_cell_transform(cells[name], grade_cells[name].max_score,
                                                   is_solution=name in solution_ids)
            anchor = next((present[n] for n in reversed(order[:position]) if n in present), -1)
            nb.cells.insert(anchor + 1, restored)
        return nb, resources


def _source_order(db_url: str, assignment: str, notebook: str) -> list[str]:
    """The grade ids of the instructor's source notebook, in order (empty if not found)."""
    path = Path(db_url.removeprefix("sqlite:///")).parent / "source" / assignment / f"{notebook}.ipynb"
    if not path.exists():
        return []
    source = nbformat.read(str(path), as_version=4)
    return [_nbgrader_meta(c)["grade_id"] for c in source.cells if "grade_id" in _nbgrader_meta(c)]


# --- Reading the grades back ---------------------------------------------------------


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


def _nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _graded_cells(source) -> list[tuple[str, float]]:
    if source is None:
        return []
    return [(_nbgrader_meta(c)["grade_id"], float(_nbgrader_meta(c).get("points", 0)))
            for c in source.cells if _nbgrader_meta(c).get("grade")]


def _find(nb, grade_id):
    if nb is None:
        return None, None
    for index, cell in enumerate(nb.cells):
        if _nbgrader_meta(cell).get("grade_id") == grade_id:
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
            if _nbgrader_meta(cell).get("solution"):
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


#: Code that rebinds library functions or reaches into the interpreter: legitimate answers
#: never need it, and it can make tests pass that should not (they run in the same kernel).
TAMPERING = [
    re.compile(r"^\s*(?:np|numpy|tf|tensorflow|course_lib|check|checks|assignment_checks|builtins)(?:\.\w+)+\s*=[^=]",
               re.M),
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
        meta = _nbgrader_meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or meta.get("locked"):
            continue
        for line in cell.source.splitlines():
            if any(pattern.search(line) for pattern in TAMPERING):
                found.append(line.strip())
    return found


def _points(value: float) -> str:
    return f"{value:g}"


# --- Checking student versions --------------------------------------------------------


def find_leaks(source, release) -> list[str]:
    """Return the lines of ``source``'s solutions and hidden tests that appear in ``release``.

    ``source`` and ``release`` are notebooks (nbformat nodes). Lines that the source also
    shows outside those blocks (an ``import`` the learner keeps, say) and lines shorter
    than :data:`MIN_LEAK_LENGTH` characters are not counted; nbgrader's markers always are.
    """
    inside, outside = set(), set()
    for cell in source.cells:
        text = cell.source
        blocks = SOLUTION_BLOCK.findall(text) + HIDDEN_BLOCK.findall(text)
        for block in blocks:
            inside.update(line.strip() for line in block.splitlines())
        remainder = HIDDEN_BLOCK.sub("", SOLUTION_BLOCK.sub("", text))
        outside.update(line.strip() for line in remainder.splitlines())
    secret = {line for line in inside - outside if len(line) >= MIN_LEAK_LENGTH}
    shown = [line.strip() for cell in release.cells for line in cell.source.splitlines()]
    leaks = [line for line in shown if line in secret]
    leaks += [line for line in shown if any(marker in line for marker in MARKERS)]
    return list(dict.fromkeys(leaks))


def check_release(course_dir) -> list[str]:
    """Return problems with the student versions in ``release/``: missing ones and leaks."""
    course = Path(course_dir)
    problems = []
    for source_path in sorted(course.glob("source/*/*.ipynb")):
        release_path = course / "release" / source_path.relative_to(course / "source")
        if not release_path.exists():
            problems.append(f"{release_path}: missing (run `make student-versions`)")
            continue
        leaks = find_leaks(nbformat.read(str(source_path), 4), nbformat.read(str(release_path), 4))
        problems += [f"{release_path}: leaks {line!r}" for line in leaks]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command line: ``report ASSIGNMENT`` or ``check-release`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["report", "check-release"])
    parser.add_argument("assignment", nargs="?", help="assignment name, e.g. a1_tensors (for report)")
    parser.add_argument("--course", default="assignments", help="the nbgrader course folder (default: assignments)")
    args = parser.parse_args(argv)
    course = Path(args.course)
    if not (course / "nbgrader_config.py").exists():
        print(f"error: {course} is not the course folder (no nbgrader_config.py there).", file=sys.stderr)
        return 2
    if args.command == "check-release":
        problems = check_release(course)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"Student versions in {course / 'release'}: present, with no solutions or hidden tests.")
        return 1 if problems else 0
    if not args.assignment:
        names = ", ".join(sorted(p.name for p in (course / "source").iterdir() if p.is_dir()))
        print(f"error: name the assignment, one of: {names}", file=sys.stderr)
        return 2
    if not (course / "gradebook.db").exists():
        print(f"error: no gradebook in {course}: run `make student-versions` and `make autograde` first.",
              file=sys.stderr)
        return 2
    rows = question_results(course, args.assignment)
    csv_path, md_path = write_report(rows, args.assignment, course / "reports")
    print(md_path.read_text(encoding="utf-8"))
    print(f"Report written to {md_path} and {csv_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shared graded course of the grading tests: one run of the instructor guide's commands.

``graded_course()`` copies ``assignments/`` into a temporary course folder and runs, as the
README tells instructors, ``make student-versions``, ``make collect``, ``make autograde`` (per
assignment), ``make feedback`` and ``make grades``, with prepared submissions: the solution,
the untouched student version, a partly right one per assignment, and for assignment 1 every
hostile submission (``HOSTILE`` in ``submissions.py`` plus the ``SUBMISSIONS`` list of every
``tests/grading/hostile_*.py`` module); for assignments 2 to 4 the rule-breaking ``SHORTCUTS`` of
``hostile_rules.py``. The ``course`` fixture in ``conftest.py`` runs it once
per test session, so each test module adds submissions, not grading runs.

A submission is downloaded as ``<student>_<assignment>.ipynb`` unless it has a ``filename``
(a path in the download folder; ``x.zip/y.ipynb`` is ``y.ipynb`` inside ``x.zip``) and is saved
by nbformat unless it has a ``save`` (notebook -> bytes). A hostile module's ``DOWNLOADS``
(``(filename, bytes)`` pairs) adds files that are no notebook to grade (assignment 1 only).
"""

from __future__ import annotations

import csv
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

import tests.grading
from course_grading.notebooks import nbgrader_meta
from tests.grading.hostile_rules import SHORTCUTS
from tests.grading.submissions import CRASHER, HOSTILE, PARTIAL, SOLUTION, Submission

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "assignments"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
#: Cell time limit while grading assignment 1, whose hostile submissions loop forever.
HOSTILE_TIMEOUT_S = 10


def extra_hostile(attribute: str = "SUBMISSIONS") -> list:
    """The SUBMISSIONS (or DOWNLOADS) of every tests/grading/hostile_*.py module, in module-name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(tests.grading.__path__), key=lambda i: i.name):
        if info.name.startswith("hostile_"):
            found += getattr(importlib.import_module(f"tests.grading.{info.name}"), attribute, [])
    return found


def download(archive: Path, filename: str, data: bytes) -> None:
    """Put ``data`` in the download folder as ``filename``; ``x.zip/y`` goes into ``x.zip``."""
    if ".zip/" in filename:
        bundle, member = filename.split(".zip/", 1)
        with zipfile.ZipFile(archive / f"{bundle}.zip", "a") as handle:
            handle.writestr(member, data)
        return
    (archive / filename).parent.mkdir(parents=True, exist_ok=True)
    (archive / filename).write_bytes(data)


def make(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a Makefile target in the repository with this interpreter's environment."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), f"VENV={sys.prefix}", *args],
        capture_output=True, text=True, timeout=900,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def solution_code(source_nb, grade_id: str) -> str:
    for cell in source_nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return "\n".join(line for line in cell.source.splitlines() if "### " not in line) + "\n"
    raise KeyError(grade_id)


def build(release_nb, source_nb, submission: Submission):
    """The student version with the submission's answers, deletions and edits."""
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(release_nb), as_version=4))
    cells = []
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in submission.delete:
            continue
        if grade_id in submission.answers:
            parts = submission.answers[grade_id]
            parts = parts if isinstance(parts, tuple) else (parts,)
            cell.source = "\n".join(solution_code(source_nb, grade_id) if p is SOLUTION else p for p in parts)
        if grade_id in submission.edit:
            edit = submission.edit[grade_id]
            edit = edit if isinstance(edit, dict) else {"source": edit}
            cell.source = edit["source"]
            if "points" in edit:
                cell.metadata["nbgrader"]["points"] = edit["points"]
        cells.append(cell)
    nb.cells = cells
    return nb


def submissions_for(assignment: str, source_nb) -> list[Submission]:
    graded = [nbgrader_meta(c)["grade_id"] for c in source_nb.cells if nbgrader_meta(c).get("grade")]
    points = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in source_nb.cells
              if nbgrader_meta(c).get("grade")}
    answers = [nbgrader_meta(c)["grade_id"] for c in source_nb.cells if nbgrader_meta(c).get("solution")]
    subs = [
        Submission("solution", answers={a: SOLUTION for a in answers}, expected=points),
        Submission("blank", expected={g: 0 for g in graded}),
        PARTIAL[assignment],
    ]
    if assignment == "a1_tensors":
        subs += HOSTILE + extra_hostile() + [CRASHER]
    return subs + SHORTCUTS.get(assignment, [])  # rule-breaking answers, a few per assignment


def graded_course(tmp_root: Path) -> dict:
    """A graded copy of the course folder under ``tmp_root``: results of every guide command."""
    root = tmp_root / "assignments"
    root.mkdir()
    shutil.copytree(COURSE / "source", root / "source")
    shutil.copy(COURSE / "nbgrader_config.py", root)
    # COURSE is given relative to the repository, as an instructor's `COURSE=...` would be.
    course_arg = f"COURSE={os.path.relpath(root, REPO)}"
    runs = {"student-versions": make("student-versions", course_arg)}
    expected = {}
    for assignment in ASSIGNMENTS:
        source_nb = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", 4)
        release_nb = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", 4)
        archive = root / "downloaded" / assignment / "archive"
        archive.mkdir(parents=True)
        for submission in submissions_for(assignment, source_nb):
            nb = build(release_nb, source_nb, submission)
            name = f"{submission.student}_{assignment}.ipynb"
            if submission.student == "partial":  # one submission arrives zipped, as LMS downloads do
                with zipfile.ZipFile(archive / f"download_{assignment}.zip", "w") as bundle:
                    bundle.writestr(name, nbformat.writes(nb))
            else:
                save = getattr(submission, "save", None)
                download(archive, getattr(submission, "filename", "") or name,
                         save(nb) if save else nbformat.writes(nb).encode())
            expected[assignment, submission.student] = submission
        if assignment == "a1_tensors":  # files make collect must refuse: it then exits non-zero
            for filename, data in extra_hostile("DOWNLOADS"):
                download(archive, filename, data)
        runs["collect", assignment] = make("collect", course_arg, f"ASSIGNMENT={assignment}",
                                           check=assignment != "a1_tensors")
        flags = [f"GRADER_FLAGS=--Execute.timeout={HOSTILE_TIMEOUT_S}"] if assignment == "a1_tensors" else []
        runs["autograde", assignment] = make("autograde", course_arg, f"ASSIGNMENT={assignment}", *flags,
                                             check=assignment != "a1_tensors")
    runs["feedback"] = make("feedback", course_arg, "ASSIGNMENT=a1_tensors")
    runs["grades"] = make("grades", course_arg)
    return {"root": root, "runs": runs, "expected": expected}


def report_rows(root: Path, assignment: str) -> dict:
    with open(root / "reports" / f"{assignment}.csv", newline="", encoding="utf-8") as handle:
        return {(row["student"], row["question"]): row for row in csv.DictReader(handle)}


def graded_rows(root: Path, assignment: str, submission: Submission) -> dict:
    """Check the report against ``submission.expected`` points and ``.results`` phrases; return its rows."""
    rows = report_rows(root, assignment)
    for question, points in submission.expected.items():
        row = rows[submission.student, question]
        assert float(row["score"]) == points, row
        for phrase in submission.results.get(question, []):
            assert phrase in row["result"], row
    return {question: rows[submission.student, question] for question in submission.expected}

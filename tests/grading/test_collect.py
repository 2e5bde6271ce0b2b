"""Collecting submissions: every downloaded file is collected or named in an error.

The first part checks ``course_grading.collect`` on small course folders (no grading); the
second checks the shared graded course, whose assignment 1 download folder holds the files of
``hostile_collect.py``: forgiven names and formats, graded per question, and refused files,
named in ``make collect``'s errors (the honest learners' scores are test_autograde.py's).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_grading.__main__ import main as grading_main
from course_grading.collect import (
    PROBLEM_FILE,
    collect,
    collect_problem,
    parse_name,
    read_notebook,
    student_id_problem,
)
from course_grading.report import _describe_result
from tests.grading.course import COURSE, graded_rows, report_rows
from tests.grading.hostile_collect import REFUSED, SET_ASIDE, SUBMISSIONS, colab_save

pytestmark = pytest.mark.grader

RELEASE = COURSE / "release" / "a1_tensors" / "a1_tensors.ipynb"
NOTEBOOKS = ["a1_tensors"]


# --- Names and ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(("stem", "student", "notebook"), [
    ("ada_a1_tensors", "ada", "a1_tensors"),
    ("ada_Copy of a1_tensors (1)", "ada", "a1_tensors"),  # Colab's copy, downloaded twice
    ("Copy of ada_a1_tensors", "ada", "a1_tensors"),
    ("ada-A1_TENSORS", "ada", "a1_tensors"),
    ("ada_a1_tensors-Copy1", "ada", "a1_tensors"),  # Jupyter's Duplicate
    ("ada_a1_tensors - Copy (2)", "ada", "a1_tensors"),  # Windows Explorer
    ("ada_a1_tensors copy 2", "ada", "a1_tensors"),  # macOS Finder
    ("s_1234567_a1_tensors", "s_1234567", "a1_tensors"),
    ("Copy of a1_tensors", None, "a1_tensors"),
    ("a1_tensors (3)", None, "a1_tensors"),
    ("lovelaceada_12345_67890_a1_tensors-1", "lovelaceada", "a1_tensors"),  # Canvas
    ("lovelaceada_LATE_12345_67890_Copy of a1_tensors", "lovelaceada", "a1_tensors"),
    ("Ada Lovelace_12345_assignsubmission_file_a1_tensors", "Ada_Lovelace", "a1_tensors"),  # Moodle
    ("Ada Lovelace_12345_assignsubmission_file_", "Ada_Lovelace", None),  # Moodle's folder
    ("Assignment 1_ada_attempt_2026-01-30-15-00-00_a1_tensors", "ada", "a1_tensors"),  # Blackboard
    ("ada_homework", None, None),  # renamed: whose and which come from elsewhere
    ("mya1_tensors", None, None),
])
def test_names_give_the_learner_and_the_notebook(stem, student, notebook):
    info = parse_name(stem, NOTEBOOKS)
    assert (info.student, info.notebook) == (student, notebook)


def test_blackboard_names_carry_the_attempt_time():
    assert parse_name("A1_ada_attempt_2026-01-30-15-00-00_a1_tensors", NOTEBOOKS).attempt == "2026-01-30-15-00-00"


@pytest.mark.parametrize("student", ["ada", "Ada_Lovelace", "s.1234", "Zoë", "a-b", "x" * 64])
def test_student_ids_that_are_fine(student):
    assert student_id_problem(student) is None


@pytest.mark.parametrize("student", ["..", ".ada", "ada.", "_ada", "a/b", "a\\b", "a..b", "**x**", "a|b", "[a](b)",
                                     "`a`", "a b", "<b>", "#1", "", "x" * 65])
def test_student_ids_that_are_refused(student):
    assert "is not allowed" in student_id_problem(student)


# --- Reading notebooks ----------------------------------------------------------------------------


def test_a_colab_save_is_read_and_normalised():
    nb, problem, repairs = read_notebook(colab_save(nbformat.read(RELEASE, 4)))
    assert problem is None
    assert nb.nbformat_minor == 5 and len({cell.id for cell in nb.cells}) == len(nb.cells)
    nbformat.validate(nb)
    assert "cell ids added" in repairs
    assert "widgets" not in nb.metadata and "incomplete widget state dropped" in repairs  # breaks make feedback
    assert [c.metadata.get("nbgrader") for c in nb.cells] == [c.metadata.get("nbgrader")
                                                              for c in nbformat.read(RELEASE, 4).cells]


def test_repairs_that_keep_a_notebook_gradable():
    raw = json.loads(RELEASE.read_text(encoding="utf-8"))
    raw["cells"][1]["id"] = raw["cells"][2]["id"]  # a duplicated cell id
    del raw["cells"][2]["outputs"]  # a hand-edited cell
    raw["cells"][3]["metadata"]["nbgrader"] = {"solution": True}  # nbgrader marks without a grade id
    nb, problem, repairs = read_notebook(json.dumps(raw).encode())
    assert problem is None, problem
    nbformat.validate(nb)
    assert "nbgrader" not in nb.cells[3].metadata
    assert "nbgrader marks without a grade id dropped" in repairs


@pytest.mark.parametrize(("data", "reason"), [
    (b'{"cells": [', "not valid JSON"),
    (b"\x89PNG\r\n\x1a\n\xff\xfe", "not text in UTF-8"),
    (b'{"hello": "world"}', "not a Jupyter notebook"),
    (b'[1, 2, 3]', "not a Jupyter notebook"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "spreadsheet"}]}',
     "not a valid notebook"),
])
def test_malformed_files_are_named_with_a_reason(data, reason):
    nb, problem, _ = read_notebook(data)
    assert nb is None and reason in problem


# --- Collecting a download folder -----------------------------------------------------------------


@pytest.fixture
def course_dir(tmp_path):
    """A course folder with assignment 1's source and an empty download folder (no gradebook)."""
    shutil.copytree(COURSE / "source" / "a1_tensors", tmp_path / "course" / "source" / "a1_tensors")
    shutil.copy(COURSE / "nbgrader_config.py", tmp_path / "course")
    (tmp_path / "course" / "downloaded" / "a1_tensors" / "archive").mkdir(parents=True)
    return tmp_path / "course"


def _archive(course_dir) -> Path:
    return course_dir / "downloaded" / "a1_tensors" / "archive"


def _notebook(**sources) -> bytes:
    nb = nbformat.read(RELEASE, 4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source = sources[grade_id]
    return nbformat.writes(nb).encode()


def _log(course_dir) -> dict:
    with open(course_dir / "downloaded" / "a1_tensors" / "collect.csv", newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def test_every_file_is_collected_set_aside_or_an_error(course_dir):
    archive = _archive(course_dir)
    files = {
        "ada_a1_tensors.ipynb": _notebook(),
        "bob_Copy of a1_tensors (1).ipynb": _notebook(),
        "Copy of a1_tensors.ipynb": _notebook(),
        ".._a1_tensors.ipynb": _notebook(),
        "broken_a1_tensors.ipynb": b"{",
        "notes.txt": b"hello",
        ".DS_Store": b"\0",
    }
    for name, data in files.items():
        (archive / name).write_bytes(data)
    learner_zip = io.BytesIO()
    with zipfile.ZipFile(learner_zip, "w") as bundle:
        bundle.writestr("homework.ipynb", _notebook())
    with zipfile.ZipFile(archive / "bulk.zip", "w") as bundle:
        bundle.writestr("Carol Shaw_77_assignsubmission_file_/carol.zip", learner_zip.getvalue())  # zip in a zip
        bundle.writestr("../../../escape_a1_tensors.ipynb", _notebook())
        bundle.writestr("/etc/abs_a1_tensors.ipynb", _notebook())
        bundle.writestr("__MACOSX/._bulk", b"\0")
        bundle.writestr("dave_a1_tensors.ipynb", _notebook())
    (archive / "link_a1_tensors.ipynb").symlink_to(archive / "ada_a1_tensors.ipynb")

    result = collect(course_dir, "a1_tensors")
    outcomes = {entry.file: (entry.outcome, entry.student) for entry in result.entries}
    assert outcomes == {
        "ada_a1_tensors.ipynb": ("collected", "ada"),
        "bob_Copy of a1_tensors (1).ipynb": ("collected", "bob"),
        "Copy of a1_tensors.ipynb": ("error", ""),
        ".._a1_tensors.ipynb": ("error", ".."),
        "broken_a1_tensors.ipynb": ("error", "broken"),
        "notes.txt": ("error", ""),
        ".DS_Store": ("ignored", ""),
        "bulk.zip/Carol Shaw_77_assignsubmission_file_/carol.zip/homework.ipynb": ("collected", "Carol_Shaw"),
        "bulk.zip/../../../escape_a1_tensors.ipynb": ("error", ""),
        "bulk.zip//etc/abs_a1_tensors.ipynb": ("error", ""),
        "bulk.zip/__MACOSX/._bulk": ("ignored", ""),
        "bulk.zip/dave_a1_tensors.ipynb": ("collected", "dave"),
        "link_a1_tensors.ipynb": ("error", ""),
    }
    assert {row["file"] for row in _log(course_dir).values()} == set(outcomes)  # collect.csv: the same
    submitted = course_dir / "submitted"
    assert sorted(p.relative_to(submitted).as_posix() for p in submitted.rglob("*") if p.is_file()) == [
        "Carol_Shaw/a1_tensors/a1_tensors.ipynb", "ada/a1_tensors/a1_tensors.ipynb",
        "bob/a1_tensors/a1_tensors.ipynb", f"broken/a1_tensors/{PROBLEM_FILE}", "dave/a1_tensors/a1_tensors.ipynb"]
    assert not list(course_dir.parent.rglob("escape_a1_tensors.ipynb")) and not (course_dir / "a1_tensors").exists()
    assert collect_problem(submitted / "broken" / "a1_tensors", "a1_tensors").startswith(
        "malformed notebook: not valid JSON")
    assert collect_problem(submitted / "ada" / "a1_tensors", "a1_tensors") is None
    details = {entry.file: entry.detail for entry in result.entries}
    carol = details["bulk.zip/Carol Shaw_77_assignsubmission_file_/carol.zip/homework.ipynb"]
    assert "learner from its Moodle folder" in carol and "renamed notebook" in carol
    assert "unsafe path" in details["bulk.zip/../../../escape_a1_tensors.ipynb"]
    assert "a link" in details["link_a1_tensors.ipynb"]


def test_the_command_exits_non_zero_and_says_what_to_fix(course_dir, capsys):
    archive = _archive(course_dir)
    (archive / "ada_a1_tensors (1).ipynb").write_bytes(_notebook())
    assert grading_main(["collect", "a1_tensors", "--course", str(course_dir)]) == 0
    assert "ada_a1_tensors (1).ipynb -> ada / a1_tensors ('(1)' removed)" in capsys.readouterr().out
    (archive / "Copy of a1_tensors.ipynb").write_bytes(_notebook())
    assert grading_main(["collect", "a1_tensors", "--course", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "1 file(s) NOT collected" in err and "Copy of a1_tensors.ipynb: cannot tell whose notebook this is" in err
    assert grading_main(["collect", "a9_nothing", "--course", str(course_dir)]) == 2


def test_two_files_for_one_learner(course_dir):
    archive = _archive(course_dir)
    (archive / "ada_a1_tensors.ipynb").write_bytes(_notebook(q4_count_batches="# first try"))
    (archive / "ada_a1_tensors (1).ipynb").write_bytes(_notebook(q4_count_batches="# second try"))
    (archive / "bob_a1_tensors.ipynb").write_bytes(_notebook())
    (archive / "bob_a1_tensors (1).ipynb").write_bytes(_notebook())  # the same download, twice
    old = time.time() - 3600
    os.utime(archive / "ada_a1_tensors.ipynb", (old, old))
    result = collect(course_dir, "a1_tensors")
    outcomes = {entry.file: entry.outcome for entry in result.entries}
    assert outcomes["ada_a1_tensors (1).ipynb"] == "collected"
    assert outcomes["ada_a1_tensors.ipynb"] == "error"  # different: the instructor must decide
    assert sorted(outcomes[f] for f in ("bob_a1_tensors.ipynb", "bob_a1_tensors (1).ipynb")) == ["collected",
                                                                                                 "duplicate"]
    graded = nbformat.read(course_dir / "submitted" / "ada" / "a1_tensors" / "a1_tensors.ipynb", 4)
    assert "# second try" in "".join(cell.source for cell in graded.cells)


def test_ids_that_differ_only_in_case_are_refused(course_dir):
    archive = _archive(course_dir)
    (archive / "Ada_a1_tensors.ipynb").write_bytes(_notebook())
    (archive / "ada_a1_tensors.ipynb").write_bytes(_notebook(q4_count_batches="# mine"))
    result = collect(course_dir, "a1_tensors")
    assert [entry.outcome for entry in result.entries] == ["error", "error"]
    assert "differ only in letter case" in result.entries[0].detail
    assert not (course_dir / "submitted").exists() or not any((course_dir / "submitted").iterdir())


def test_a_malformed_file_beside_a_good_one_and_another_assignments_notebook(course_dir):
    archive = _archive(course_dir)
    (archive / "ada_a1_tensors.ipynb").write_bytes(_notebook())
    (archive / "ada_a1_tensors (1).ipynb").write_bytes(b"not json")
    a2 = (COURSE / "release" / "a2_tensor_operations" / "a2_tensor_operations.ipynb").read_bytes()
    (archive / "bob_a1_tensors.ipynb").write_bytes(a2)
    result = collect(course_dir, "a1_tensors")
    details = {entry.file: (entry.outcome, entry.detail) for entry in result.entries}
    assert details["ada_a1_tensors.ipynb"][0] == "collected"
    assert details["ada_a1_tensors (1).ipynb"][0] == "error"
    assert "collected ada_a1_tensors.ipynb for this learner instead" in details["ada_a1_tensors (1).ipynb"][1]
    assert details["bob_a1_tensors.ipynb"] == ("error", "not a notebook of a1_tensors: none of its graded cells are "
                                                        "a1_tensors's (another assignment's notebook?)")
    assert not (course_dir / "submitted" / "ada" / "a1_tensors" / PROBLEM_FILE).exists()


def test_collecting_again_replaces_a_learners_folder(course_dir):
    archive = _archive(course_dir)
    (archive / "ada_a1_tensors.ipynb").write_bytes(b"{")
    collect(course_dir, "a1_tensors")
    assert (course_dir / "submitted" / "ada" / "a1_tensors" / PROBLEM_FILE).exists()
    (archive / "ada_a1_tensors.ipynb").write_bytes(_notebook())
    assert collect(course_dir, "a1_tensors").errors == []
    assert sorted(p.name for p in (course_dir / "submitted" / "ada" / "a1_tensors").iterdir()) == ["a1_tensors.ipynb"]


def test_the_report_says_malformed_notebook_not_no_submission():
    problem = "malformed notebook: not valid JSON (Expecting value, line 1, column 1) (file x.ipynb)"
    assert _describe_result("q1", 0, 1, None, None, None, problem) == problem
    assert _describe_result("q1", 0, 1, None, None, None) == "no submission for this notebook"


# --- In the graded course -------------------------------------------------------------------------


def _downloaded_files(archive: Path) -> set[str]:
    """Every file of the download folder, zip members as ``x.zip/member`` (as collect.csv names them)."""
    found = set()
    for path in archive.rglob("*"):
        rel = path.relative_to(archive).as_posix()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as bundle:
                found |= {f"{rel}/{name}" for name in bundle.namelist() if not name.endswith("/")}
        elif path.is_file():
            found.add(rel)
    return found


@pytest.mark.slow
def test_make_collect_names_every_refused_file_and_exits_non_zero(course):
    run = course["runs"]["collect", "a1_tensors"]
    assert run.returncode != 0
    for name, phrase in REFUSED.items():
        assert any(line.strip().startswith(f"{name}:") and phrase in line for line in run.stderr.splitlines()), \
            (name, run.stderr)
    assert f"{len(REFUSED)} file(s) NOT collected" in run.stderr
    for assignment in ("a2_tensor_operations", "a3_geometry", "a4_gradients"):
        assert course["runs"]["collect", assignment].returncode == 0, course["runs"]["collect", assignment].stderr


@pytest.mark.slow
def test_nothing_downloaded_is_lost(course):
    root = course["root"]
    log = _log(root)
    assert set(log) == _downloaded_files(root / "downloaded" / "a1_tensors" / "archive")
    assert {name for name, row in log.items() if row["outcome"] == "error"} == set(REFUSED)
    for name, outcome in SET_ASIDE.items():
        assert log[name]["outcome"] == outcome, log[name]
    collected = {row["student"] for row in log.values() if row["outcome"] == "collected"}
    assert collected == {student for (assignment, student) in course["expected"] if assignment == "a1_tensors"}
    assert collected == {p.parent.parent.name for p in (root / "submitted").glob("*/a1_tensors/a1_tensors.ipynb")}
    # Nothing was written beside the course folder or outside submitted/.
    assert not list(root.parent.rglob("escape_a1_tensors.ipynb")) and not (root / "a1_tensors").exists()


@pytest.mark.slow
@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda s: s.student)
def test_forgiven_submissions_are_graded_per_question(course, submission):
    graded_rows(course["root"], "a1_tensors", submission)
    line = f"{submission.filename or submission.student + '_a1_tensors.ipynb'} -> {submission.student} / a1_tensors"
    if submission.filename:  # the instructor sees which rule placed it
        assert line in course["runs"]["collect", "a1_tensors"].stdout


@pytest.mark.slow
def test_a_malformed_notebook_is_reported_as_such(course):
    rows = report_rows(course["root"], "a1_tensors")
    broken = {question: row for (student, question), row in rows.items() if student == "broken"}
    assert set(broken) == set(SUBMISSIONS[0].expected)
    for row in broken.values():
        assert float(row["score"]) == 0
        assert row["result"].startswith("malformed notebook: not valid JSON"), row
        assert "no submission" not in row["result"]

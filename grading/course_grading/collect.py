"""Collecting submissions: every downloaded file is collected or named in an error.

``make collect ASSIGNMENT=a1_tensors`` runs :func:`collect` (``python -m course_grading
collect``) in place of nbgrader's ``zip_collect``, which skips a file it cannot match with
only a warning (and exit status 0), unpacks zips as they are, and takes a student id such
as ``..`` as a folder name. Here every file in ``downloaded/<assignment>/archive/`` (its
sub-folders and the zips in it, zips in zips too) ends up in exactly one of these:

- **collected** into ``submitted/<student>/<assignment>/<notebook>.ipynb``, read and
  normalised (cell ids added, an old notebook format upgraded, metadata that fails
  nbformat's schema dropped), so that a notebook saved by Colab or an older Jupyter grades
  like any other;
- **superseded** (an older attempt of the same learner, by the time in an LMS file name) or
  a byte-for-byte **duplicate** of a collected file;
- **ignored**: only operating-system litter (``.DS_Store``, ``Thumbs.db``, ``__MACOSX/``,
  ``.ipynb_checkpoints/``) and Blackboard's per-attempt receipts;
- an **error**, printed with what to do; the command then exits with status 1, after
  collecting everything else. A malformed notebook is an error too, and its learner's
  report says "malformed notebook" (:func:`collect_problem`).

Whose notebook a file is, and which notebook of the assignment, comes from its name (see
:func:`parse_name` for the forgiving rules: ``Copy of``, `` (1)``, letter case, LMS bulk
downloads) and from its content: a notebook whose graded cells are one notebook's of the
assignment is that notebook, whatever its name. Student ids are checked
(:func:`student_id_problem`). ``downloaded/<assignment>/collect.csv`` lists every file and
what became of it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator, Sequence

import nbformat

from course_grading.notebooks import nbgrader_meta

#: Written into ``submitted/<student>/<assignment>/`` when a learner's notebook could not be
#: collected (malformed): one line per notebook, ``<notebook>: <problem>``. The report reads it.
PROBLEM_FILE = "COLLECT-PROBLEM.txt"
#: Files larger than this (a notebook, a zip, or a file inside a zip) are not read.
MAX_BYTES = 64 * 2**20
#: Zips inside zips are opened this deep (a learner's own zip inside an LMS bulk download).
MAX_ZIP_DEPTH = 3
#: Where notebooks keep the state of their widgets (in the notebook's metadata, ``widgets``).
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Operating-system litter, never a submission.
LITTER_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
LITTER_FOLDERS = {"__macosx", ".ipynb_checkpoints"}

#: A student id: letters (any alphabet), digits, ``_``, ``-`` and ``.``, starting and ending
#: with a letter or digit, at most 64 characters. No path separator, no ``..`` and nothing
#: Markdown reads as markup (``*``, ``|``, ``[``, backquotes...): ids become folder names
#: and appear in the Markdown report.
STUDENT_ID = re.compile(r"[^\W_](?:[\w.-]{0,62}[^\W_])?")

# LMS bulk downloads put the learner before the learner's own file name:
#: Canvas: ``<sortable name>[_LATE]_<user id>_<submission id>_<file name>``,
#: e.g. ``lovelaceada_12345_67890_a1_tensors-1.ipynb`` -> ``lovelaceada``.
CANVAS = re.compile(r"(?P<student>[^_\s]+)(?:_late)?_\d+_\d+_(?P<rest>.+)", re.I)
#: Moodle: ``<full name>_<participant number>_assignsubmission_file_<file name>``, or that
#: prefix as a folder holding the file; e.g. ``Ada Lovelace_12345_assignsubmission_file_``
#: -> ``Ada_Lovelace`` (the participant number changes from one assignment to the next).
MOODLE = re.compile(r"(?P<student>.+?)_\d+_assignsubmission_file_?(?P<rest>.*)", re.I)
#: Blackboard: ``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file name>``; the
#: newest attempt of a learner is collected, older ones are superseded.
BLACKBOARD = re.compile(r"(?P<item>.+)_(?P<student>[^_\s]+)_attempt_(?P<time>\d{4}(?:-\d\d){5})(?:_(?P<rest>.*))?")
LMS_NAMES = [("Canvas", CANVAS), ("Moodle", MOODLE), ("Blackboard", BLACKBOARD)]
#: What browsers, file managers and Jupyter add to a file name when a copy is made:
#: `` (1)`` (browsers), ``-1`` (Canvas), ``-Copy1`` (Jupyter), `` - Copy`` (Windows),
#: `` copy`` / `` copy 2`` (macOS).
COPY_SUFFIX = re.compile(r"(?:\s*\(\d+\)|-\d+|-copy\d*|\s+-\s+copy|\s+copy(?:\s+\d+)?)$", re.I)
#: Colab's "Save a copy in Drive": ``Copy of a1_tensors.ipynb``.
COPY_OF = re.compile(r"(?:copy\s+of\s+)+", re.I)


@dataclass
class Entry:
    """What became of one downloaded file (one row of ``collect.csv``)."""

    file: str  # relative to the download folder; "bulk.zip/ada/x.ipynb" is a file inside bulk.zip
    outcome: str = "error"  # collected, superseded, duplicate, ignored or error
    student: str = ""
    notebook: str = ""
    detail: str = ""


@dataclass
class CollectResult:
    """Every downloaded file's :class:`Entry`, and the learners whose folders were written."""

    entries: list[Entry] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.outcome == "error"]


@dataclass(frozen=True)
class NameInfo:
    """What a file or folder name says: the learner, the notebook, and what was forgiven."""

    student: str | None = None
    notebook: str | None = None
    forgiven: tuple[str, ...] = ()
    lms: str | None = None
    attempt: str | None = None  # an LMS attempt time, sortable as text


def student_id_problem(student: str) -> str | None:
    """Why ``student`` cannot be a student id, or None if it can (see :data:`STUDENT_ID`)."""
    if STUDENT_ID.fullmatch(student) and ".." not in student:
        return None
    return (f"student id {student!r} is not allowed: use letters, digits, '_', '-' and '.', starting and "
            "ending with a letter or digit, at most 64 characters (no path separators, no '..', no Markdown)")


def parse_name(stem: str, notebooks: Sequence[str]) -> NameInfo:
    """Read a file (or folder) name without its extension: who it is from and which notebook.

    The rules, in order:

    1. an LMS bulk-download name (:data:`CANVAS`, :data:`MOODLE`, :data:`BLACKBOARD`) gives
       the learner; what follows is the learner's own file name;
    2. the notebook's name ends the (own) file name, in any letter case, once what copies add
       is removed: `` (1)``, ``-1``, ``-Copy1``, `` - Copy``, `` copy`` at the end
       (:data:`COPY_SUFFIX`) and ``Copy of`` before the notebook's name (:data:`COPY_OF`);
    3. without an LMS name, what comes before the notebook's name (and ``_``, ``-`` or a
       space) is the student id: ``ada_a1_tensors.ipynb``, ``ada_Copy of a1_tensors (1).ipynb``.

    The id is returned as written; :func:`student_id_problem` judges it.
    """
    text = unicodedata.normalize("NFC", stem).strip()
    forgiven, student, lms, attempt = [], None, None, None
    for name, pattern in LMS_NAMES:
        match = pattern.fullmatch(text)
        if match:
            lms, attempt, text = name, match.groupdict().get("time"), (match["rest"] or "").strip()
            student = match["student"].strip()
            if name == "Moodle":  # a full name: "Ada Lovelace" -> "Ada_Lovelace"
                student = re.sub(r"\s+", "_", student.replace("'", "").replace("\u2019", ""))
            forgiven.append(f"{name} bulk-download name")
            break
    notebook, prefix, more = _split_notebook(text, notebooks)
    forgiven += more
    if student is None and prefix:
        student = prefix
    return NameInfo(student, notebook, tuple(forgiven), lms, attempt)


def _split_notebook(text: str, notebooks: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """The notebook ``text`` ends with, what comes before it, and what copies added."""
    by_length = sorted(notebooks, key=len, reverse=True)

    def ending(value: str) -> str | None:
        return next((n for n in by_length if value.lower().endswith(n.lower())), None)

    forgiven, notebook = [], ending(text)
    while notebook is None:
        match = COPY_SUFFIX.search(text)
        if not match:
            return None, None, []
        forgiven.append(f"{match.group().strip()!r} removed")
        text = text[: match.start()].rstrip()
        notebook = ending(text)
    if not text.endswith(notebook):
        forgiven.append("letter case")
    prefix = text[: -len(notebook)]
    copy_of = re.search(COPY_OF.pattern + "$", prefix, re.I)
    if copy_of:
        forgiven.append("'Copy of' removed")
        prefix = prefix[: copy_of.start()]
    if prefix:
        separator = re.search(r"[_\s-]+$", prefix)
        if not separator:  # "xa1_tensors": the notebook's name is part of another word
            return None, None, []
        prefix = prefix[: separator.start()]
        copy_of = COPY_OF.match(prefix)  # "Copy of ada_a1_tensors"
        if copy_of:
            forgiven.append("'Copy of' removed")
            prefix = prefix[copy_of.end():]
    return notebook, prefix.strip() or None, list(dict.fromkeys(forgiven))


def read_notebook(data: bytes) -> tuple[nbformat.NotebookNode | None, str | None, list[str]]:
    """Return ``(notebook, None, repairs)``, or ``(None, reason, [])`` for a malformed file.

    The notebook comes back in nbformat 4.5 with valid, unique cell ids (Colab and older
    Jupyter versions save none); metadata that fails nbformat's schema is dropped, and so
    are code outputs if they still fail it (grading clears outputs anyway), widget state
    without its ``state`` (Colab's: nbconvert cannot render feedback pages with it) and
    ``nbgrader`` cell metadata without a ``grade_id`` (which nbgrader cannot read).
    """
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, "not text in UTF-8 (is it a notebook at all?)", []
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error.msg}, line {error.lineno}, column {error.colno})", []
    if not isinstance(raw, dict) or raw.get("nbformat") not in (3, 4):
        return None, "JSON, but not a Jupyter notebook (no nbformat version 3 or 4)", []
    if not isinstance(raw.get("cells", raw.get("worksheets")), list):
        return None, "not a Jupyter notebook (no list of cells)", []
    repairs = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.from_dict(raw)
            nb.setdefault("metadata", {})
            nb.setdefault("nbformat_minor", 0)
            if nb.nbformat == 3:
                nb = nbformat.convert(nb, 4)
                repairs.append("nbformat 3 converted to 4")
            elif nb.get("nbformat_minor", 0) < 5:
                nb = nbformat.v4.upgrade(nb, from_version=4, from_minor=nb.get("nbformat_minor", 0))
                repairs.append("cell ids added")
            nb.nbformat_minor = 5
            seen = set()
            for cell in nb.cells:
                if not isinstance(cell, dict) or not isinstance(cell.setdefault("metadata", {}), dict):
                    return None, "not a Jupyter notebook (a cell or its metadata is not a JSON object)", []
                cell.setdefault("source", "")
                if cell.get("cell_type") == "code":
                    cell.setdefault("outputs", [])
                    cell.setdefault("execution_count", None)
                cell_id = cell.get("id")
                if not isinstance(cell_id, str) or not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", cell_id) or cell_id in seen:
                    cell["id"] = nbformat.v4.nbbase.random_cell_id()
                seen.add(cell["id"])
                meta = cell["metadata"]
                if "nbgrader" in meta and not (isinstance(meta["nbgrader"], dict) and "grade_id" in meta["nbgrader"]):
                    del meta["nbgrader"]  # nbgrader cannot read such marks (KeyError: 'grade_id')
                    repairs.append("nbgrader marks without a grade id dropped")
            widgets = nb.metadata.get("widgets")
            state = widgets.get(WIDGET_STATE, {}) if isinstance(widgets, dict) else None
            if widgets is not None and not (isinstance(state, dict) and isinstance(state.get("state"), dict)):
                del nb.metadata["widgets"]  # Colab's, without "state": nbconvert's feedback pages fail on it
                repairs.append("incomplete widget state dropped")
            nb = nbformat.from_dict(nb)
            problem = _schema_problem(nb)
            if problem:
                _, fixed = nbformat.validator.normalize(nb, strip_invalid_metadata=True)
                nb = nbformat.from_dict(fixed)
                repairs.append("metadata that fails nbformat's schema dropped")
                if _schema_problem(nb):
                    nb.metadata.pop("widgets", None)
                    for cell in nb.cells:
                        if cell.get("cell_type") == "code":
                            cell["outputs"], cell["execution_count"] = [], None
                    repairs.append("outputs dropped")
                problem = _schema_problem(nb)
    except Exception as error:  # noqa: BLE001 - any failure to read it makes it malformed, not fatal
        return None, f"not a readable notebook ({type(error).__name__}: {_first_line(str(error))})", []
    if problem:
        return None, f"not a valid notebook ({problem})", []
    return nb, None, list(dict.fromkeys(repairs))


def _schema_problem(nb) -> str | None:
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        return _first_line(getattr(error, "message", None) or str(error))
    return None


def _shown(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (from a file name, say) as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _plain(text: str) -> str:
    """``text`` safe in the Markdown report: one line, no character Markdown reads as markup."""
    return re.sub(r"[^\w\s.,:;'\"()/=+-]", "?", " ".join(_shown(text).split()))


def _first_line(text: str, limit: int = 160) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 3] + "..."


def collect_problem(submitted_dir, notebook: str) -> str | None:
    """The problem :func:`collect` recorded for ``notebook`` in a learner's submitted folder."""
    path = Path(submitted_dir) / PROBLEM_FILE
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, problem = line.partition(": ")
        if name == notebook and problem:
            return problem
    return None


# --- Reading the download folder --------------------------------------------------------------


@dataclass
class _Found:
    file: str  # shown to the instructor
    parts: tuple[str, ...]  # enclosing folder names and zip names (without .zip), outermost first
    name: str
    data: bytes | None = None
    mtime: float = 0.0
    problem: str | None = None


def _downloads(archive: Path) -> Iterator[_Found]:
    """Every file under ``archive``, zips opened (never extracted to disk), in name order."""
    for root, folders, files in os.walk(archive):
        folders.sort()
        here = Path(root)
        for name in sorted(folders + files):
            path = here / name
            rel = path.relative_to(archive)
            if name in folders and not path.is_symlink():
                continue
            if path.is_symlink():
                yield _Found(rel.as_posix(), rel.parts[:-1], name, problem="a link, not a file: not followed")
            elif not path.is_file():
                yield _Found(rel.as_posix(), rel.parts[:-1], name, problem="not a regular file")
            elif path.stat().st_size > MAX_BYTES:
                yield _Found(rel.as_posix(), rel.parts[:-1], name, problem=f"larger than {MAX_BYTES // 2**20} MiB")
            elif name.lower().endswith(".zip") and not _is_litter(rel.parts, name):
                yield from _zip_members(path.read_bytes(), rel.as_posix(), rel.parts[:-1] + (name[:-4],), 1)
            else:
                yield _Found(rel.as_posix(), rel.parts[:-1], name, path.read_bytes(), path.stat().st_mtime)


def _zip_members(data: bytes, where: str, parts: tuple[str, ...], depth: int) -> Iterator[_Found]:
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
        members = bundle.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        yield _Found(where, parts[:-1], where.rsplit("/", 1)[-1], problem=f"not a readable zip file ({error})")
        return
    if not any(not info.is_dir() for info in members):
        yield _Found(where, parts[:-1], where.rsplit("/", 1)[-1], problem="an empty zip: nothing to collect")
    for info in members:
        if info.is_dir():
            continue
        inner = info.filename.replace("\\", "/")  # zips made on Windows may use backslashes
        segments = [s for s in inner.split("/") if s not in ("", ".")]
        file = f"{where}/{info.filename}"
        found = _Found(file, parts + tuple(segments[:-1]), segments[-1] if segments else "")
        try:
            found.mtime = datetime(*info.date_time).timestamp()
        except (ValueError, OverflowError):
            pass
        if inner.startswith("/") or ".." in segments or re.match(r"[A-Za-z]:", inner) or not segments:
            found.problem = "unsafe path inside the zip (it points outside its folder): not extracted"
        elif info.flag_bits & 0x1:
            found.problem = "encrypted inside the zip: cannot be read"
        elif info.file_size > MAX_BYTES:
            found.problem = f"larger than {MAX_BYTES // 2**20} MiB"
        elif found.name.lower().endswith(".zip") and not _is_litter(found.parts, found.name):
            if depth >= MAX_ZIP_DEPTH:
                found.problem = f"a zip inside {depth} zips: unzip it into the download folder"
            else:
                try:
                    inner_data = _read_member(bundle, info)
                except Exception as error:  # noqa: BLE001 - a damaged zip is reported, not fatal
                    found.problem = f"cannot be read from the zip ({error})"
                else:
                    yield from _zip_members(inner_data, file, found.parts + (found.name[:-4],), depth + 1)
                    continue
        else:
            try:
                found.data = _read_member(bundle, info)
            except Exception as error:  # noqa: BLE001 - a damaged zip is reported, not fatal
                found.problem = f"cannot be read from the zip ({error})"
        yield found


def _read_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with bundle.open(info) as handle:
        data = handle.read(MAX_BYTES + 1)  # the size in the zip's directory may lie
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // 2**20} MiB")
    return data


def _is_litter(parts: Sequence[str], name: str) -> bool:
    return (name.lower() in LITTER_NAMES or name.startswith("._")
            or any(part.lower() in LITTER_FOLDERS for part in parts))


# --- Collecting -----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    entry: Entry
    nb: nbformat.NotebookNode | None
    malformed: str | None
    attempt: str | None
    mtime: float
    digest: str


def collect(course_dir, assignment: str) -> CollectResult:
    """Collect ``downloaded/<assignment>/archive/`` into ``submitted/`` (see the module docstring).

    Writes ``submitted/<student>/<assignment>/`` afresh for every learner with a collected
    or malformed notebook (learners absent from the download folder keep theirs), and
    ``downloaded/<assignment>/collect.csv``. A learner whose only file is malformed is added to
    nbgrader's gradebook (when it exists), so that the report lists them.
    """
    course = Path(course_dir).resolve()
    notebooks = {p.stem: _grade_ids(p) for p in sorted((course / "source" / assignment).glob("*.ipynb"))}
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {course / 'source' / assignment}")
    archive = course / "downloaded" / assignment / "archive"
    result = CollectResult()
    candidates: list[_Candidate] = []
    for found in (_downloads(archive) if archive.is_dir() else []):
        entry = Entry(_shown(found.file))
        result.entries.append(entry)
        candidate = _examine(found, entry, notebooks, assignment)
        if candidate:
            candidates.append(candidate)
    if not archive.is_dir():
        result.notes.append(f"no download folder {archive}: put the learners' files there")
    chosen, problems = _choose(candidates)
    _write(course, assignment, chosen, problems, result)
    _write_log(course / "downloaded" / assignment / "collect.csv", result.entries)
    return result


def _grade_ids(source) -> set[str]:
    """The grade ids of a notebook's answer and test cells (``source``: a notebook or its path)."""
    nb = nbformat.read(str(source), 4) if isinstance(source, Path) else source
    return {meta["grade_id"] for meta in map(nbgrader_meta, nb.cells)
            if "grade_id" in meta and (meta.get("grade") or meta.get("solution"))}


def _examine(found: _Found, entry: Entry, notebooks: dict, assignment: str) -> _Candidate | None:
    """Fill in ``entry`` for one downloaded file; return it as a candidate if it is a notebook."""
    if found.problem:
        entry.detail = found.problem
        return None
    if _is_litter(found.parts, found.name):
        entry.outcome, entry.detail = "ignored", "operating-system file, not a submission"
        return None
    stem, dot, extension = found.name.rpartition(".")
    if not dot or extension.lower() != "ipynb":
        if extension.lower() == "txt" and BLACKBOARD.fullmatch(stem) and not BLACKBOARD.fullmatch(stem)["rest"]:
            entry.outcome, entry.detail = "ignored", "Blackboard's receipt for an attempt"
            return None
        entry.detail = "not a notebook (.ipynb): only notebooks are graded; look at it yourself"
        return None
    info = parse_name(stem, list(notebooks))
    student, forgiven = info.student, list(info.forgiven)
    context = [parse_name(part, list(notebooks) + [assignment]) for part in reversed(found.parts)]
    lms_context = next((c for c in context if c.lms and c.student), None)
    if info.lms is None and lms_context:  # the LMS's folder says who handed it in
        student = lms_context.student
        forgiven.append(f"learner from its {lms_context.lms} folder")
    elif student is None:
        named = next((c for c in context if c.student and c.notebook), None)  # "ada_a1_tensors.zip"
        if named:
            student = named.student
            forgiven.append("learner from the folder or zip it is in")
    nb, malformed, repairs = read_notebook(found.data or b"")
    notebook = info.notebook
    if nb is not None:
        ids = _grade_ids(nb)
        overlap = {name: len(ids & graded) for name, graded in notebooks.items()}
        best = max(overlap.values())
        by_content = [name for name, count in overlap.items() if count == best and best > 0]
        if ids and best == 0:
            entry.detail = (f"not a notebook of {assignment}: none of its graded cells are {assignment}'s "
                            "(another assignment's notebook?)")
            return None
        if len(by_content) == 1 and by_content[0] != notebook:
            forgiven.append(f"renamed notebook: its cells are {by_content[0]}'s")
            notebook = by_content[0]
        if not any("grade_id" in nbgrader_meta(cell) for cell in nb.cells):
            repairs.append("it has none of nbgrader's cell marks: tests will be restored but may not find the answers")
    elif notebook is None and len(notebooks) == 1:
        notebook = next(iter(notebooks))
    also = f"malformed notebook: {malformed}; and " if malformed else ""
    if notebook is None:
        entry.detail = f"{also}cannot tell which of {assignment}'s notebooks this is: name it <id>_<notebook>.ipynb"
        return None
    entry.notebook = notebook
    if student is None:
        entry.detail = f"{also}cannot tell whose notebook this is: name it <student id>_{notebook}.ipynb"
        return None
    student = unicodedata.normalize("NFC", student)
    entry.student = _shown(student)
    problem = student_id_problem(student)
    if problem:
        entry.detail = also + problem
        return None
    entry.detail = "; ".join(forgiven + repairs)
    digest = hashlib.sha256(found.data or b"").hexdigest()
    return _Candidate(entry, nb, malformed, info.attempt, found.mtime, digest)


def _choose(candidates: list[_Candidate]) -> tuple[dict, dict]:
    """One notebook per learner and notebook; the rest superseded, duplicates or errors."""
    # Ids that differ only in letter case would share a folder on macOS and Windows.
    spellings: dict[str, set[str]] = {}
    for candidate in candidates:
        spellings.setdefault(candidate.entry.student.casefold(), set()).add(candidate.entry.student)
    groups: dict[tuple[str, str], list[_Candidate]] = {}
    for candidate in candidates:
        entry = candidate.entry
        clash = sorted(spellings[entry.student.casefold()])
        if len(clash) > 1:
            entry.outcome = "error"
            entry.detail = f"student ids {', '.join(map(repr, clash))} differ only in letter case: rename one"
            continue
        groups.setdefault((entry.student, entry.notebook), []).append(candidate)
    chosen, problems = {}, {}
    for key, group in groups.items():
        readable = [c for c in group if c.nb is not None]
        for candidate in group:
            if candidate.malformed:
                candidate.entry.outcome = "error"
                candidate.entry.detail = f"malformed notebook: {candidate.malformed}"
        if not readable:
            problems[key] = _plain("; ".join(f"malformed notebook: {c.malformed} (file {c.entry.file})" for c in group))
            continue
        readable.sort(key=lambda c: (c.attempt or "", c.mtime, c.entry.file))
        keep = readable[-1]
        keep.entry.outcome = "collected"
        chosen[key] = keep
        for other in readable[:-1]:
            if other.digest == keep.digest:
                other.entry.outcome, other.entry.detail = "duplicate", f"the same file as {keep.entry.file}"
            elif other.attempt and keep.attempt and other.attempt < keep.attempt:
                other.entry.outcome = "superseded"
                other.entry.detail = f"an older attempt ({other.attempt}) than {keep.entry.file}"
            else:
                other.entry.outcome = "error"
                other.entry.detail = (f"another, different file for {key[0]} / {key[1]}: collected {keep.entry.file} "
                                      "(the most recent); delete the one you do not want and collect again")
        for candidate in group:
            if candidate.malformed and candidate is not keep:
                candidate.entry.detail += f" (collected {keep.entry.file} for this learner instead)"
    return chosen, problems


def _write(course: Path, assignment: str, chosen: dict, problems: dict, result: CollectResult) -> None:
    submitted = course / "submitted"
    students = sorted({student for student, _ in chosen} | {student for student, _ in problems})
    for student in students:
        dest = submitted / student / assignment
        if submitted.resolve() not in dest.resolve().parents:  # ids are checked; this is a second lock
            raise ValueError(f"refusing to write outside {submitted}: {dest}")
        staging = submitted / student / f".{assignment}.collecting"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for (who, notebook), candidate in chosen.items():
            if who == student:
                nbformat.write(candidate.nb, str(staging / f"{notebook}.ipynb"))
        lines = [f"{notebook}: {problem}" for (who, notebook), problem in sorted(problems.items()) if who == student]
        if lines:
            (staging / PROBLEM_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    result.students = students
    unregistered = sorted({student for student, _ in problems})
    if unregistered:
        result.notes += _register(course, assignment, unregistered)


def _register(course: Path, assignment: str, students: list[str]) -> list[str]:
    """Add learners with only malformed notebooks to the gradebook, so the report lists them."""
    database = course / "gradebook.db"
    if not database.exists():
        return ["no gradebook yet (run `make student-versions`): learners with malformed notebooks will not be "
                "in the report"]
    from nbgrader.api import Gradebook, MissingEntry  # the instructor's environment has nbgrader

    with Gradebook(f"sqlite:///{database}") as gradebook, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's SAWarning about nbgrader's own session use
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            return [f"{assignment} is not in the gradebook yet (run `make student-versions`)"]
        for student in students:
            gradebook.update_or_create_student(student)
            gradebook.update_or_create_submission(assignment, student)
    return []


def _write_log(path: Path, entries: list[Entry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "outcome", "student", "notebook", "detail"])
        for entry in entries:
            writer.writerow([entry.file, entry.outcome, entry.student, entry.notebook, entry.detail])


def format_result(result: CollectResult, course_dir, assignment: str) -> tuple[str, str]:
    """The summary ``make collect`` prints (standard output) and its list of errors (standard error)."""
    collected = [e for e in result.entries if e.outcome == "collected"]
    lines = [f"Collected {len(collected)} notebook(s) of {len({e.student for e in collected})} learner(s) "
             f"for {assignment} into {Path(course_dir) / 'submitted'}; what became of every file: "
             f"{Path(course_dir) / 'downloaded' / assignment / 'collect.csv'}."]
    forgiven = [e for e in collected if e.detail]
    if forgiven:
        lines.append("Collected with a forgiving rule or a repair:")
        lines += [f"  {e.file} -> {e.student} / {e.notebook} ({e.detail})" for e in forgiven]
    others = [e for e in result.entries if e.outcome in ("superseded", "duplicate", "ignored")]
    if others:
        lines.append("Not collected, on purpose:")
        lines += [f"  {e.file}: {e.outcome}: {e.detail}" for e in others]
    lines += [f"Note: {note}" for note in result.notes]
    errors = []
    if result.errors:
        errors.append(f"{len(result.errors)} file(s) NOT collected; fix them (or the names) and run make collect "
                      "again:")
        errors += [f"  {e.file}: {e.detail}" for e in result.errors]
    return "\n".join(lines), "\n".join(errors)

"""Feedback pages without hidden tests: each test's result in words, never its code.

``make feedback`` (nbgrader's ``generate_feedback``) renders every learner's autograded
notebook as HTML. The autograded notebook holds the hidden tests verbatim (they had to run),
so :class:`HideHiddenTests`, a step of ``GenerateFeedback.preprocessors`` in
``assignments/nbgrader_config.py``, rewrites it before rendering:

- every graded test cell becomes one line, ``# Graded test q2_centre_crop: passed`` or
  ``# Graded test q2_centre_crop: failed: AssertionError: Not yet: ...``, with the error's
  message (never its traceback, which quotes the test's code) as its only output;
- the grader's run-time check cells (:mod:`course_grading.tampering`) are dropped;
- every other cell keeps its code and outputs, except lines that quote a hidden test (a
  learner's code can print ``In``, the kernel's history of every cell it ran, or read the
  test's frame), which are replaced by :data:`REDACTED`.

The hidden tests are read from the gradebook's copy of the instructor's cells;
:func:`hidden_test_lines` says which lines count (those of ``### BEGIN HIDDEN TESTS`` blocks
long enough to be telling and not shown anywhere else in the notebook, as
:func:`course_grading.release.find_leaks` counts them).
"""

from __future__ import annotations

import html
import json
import re

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

from course_grading.notebooks import nbgrader_meta
from course_grading.release import HIDDEN_BLOCK, MARKERS, MIN_LEAK_LENGTH, SOLUTION_BLOCK
from course_grading.tampering import is_check_cell

#: What replaces a line that quotes a hidden test.
REDACTED = "[a line of a hidden test, removed from this page]"
#: The most characters of an error message a feedback page shows.
MAX_MESSAGE = 2000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NOISE = re.compile(r"[\s\\\"']+")


def hidden_test_lines(sources) -> set[str]:
    """The lines of hidden tests in ``sources`` (cell sources of an instructor notebook).

    Lines shorter than :data:`~course_grading.release.MIN_LEAK_LENGTH` and lines that the
    notebook also shows outside its hidden tests (``import numpy as np``) do not count.
    """
    inside, outside = set(), set()
    for text in sources:
        for block in HIDDEN_BLOCK.findall(text):
            inside.update(line.strip() for line in block.splitlines())
        outside.update(line.strip() for line in HIDDEN_BLOCK.sub("", SOLUTION_BLOCK.sub("", text)).splitlines())
    return {line for line in inside - outside if len(line) >= MIN_LEAK_LENGTH}


def summarize_test(cell, name: str | None = None) -> tuple[str, str]:
    """One line saying how a graded test cell went, and the error's whole message ('' if it passed)."""
    name = name or nbgrader_meta(cell).get("grade_id", "test")
    name = name.removesuffix("_tests")
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
            if ename in ("CellTimeoutError", "KeyboardInterrupt"):
                return (f"Graded test {name}: failed: timed out (the cell was still running at the time limit)",
                        "The test was stopped at the time limit.")
            first = evalue.splitlines()[0] if evalue else ""
            if not first and ename == "AssertionError":
                first = "one of the hidden test cases did not pass"
            first = first if len(first) <= 160 else first[:157] + "..."
            return f"Graded test {name}: failed: {ename}" + (f": {first}" if first else ""), \
                f"{ename}: {evalue}"[:MAX_MESSAGE] if evalue else ename
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return f"Graded test {name}: failed: it wrote to the error stream", ""
    return f"Graded test {name}: passed", ""


class HideHiddenTests(Preprocessor):
    """Feedback step (after nbgrader's ``GetGrades``): test cells as results; no hidden test line anywhere."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only when enabled.").tag(config=True)

    def preprocess(self, nb, resources):
        secrets = self._hidden_lines(resources)
        cells = []
        for cell in nb.cells:
            if is_check_cell(cell):
                continue
            meta = nbgrader_meta(cell)
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                for output in cell.get("outputs", []):  # the message may quote what learner code found
                    _redact_output(output, secrets)
                line, message = summarize_test(cell)
                cell.source = "# " + line
                cell.outputs = [new_output("stream", name="stdout", text=message + "\n")] if message else []
                cell.execution_count = None
            else:
                cell.source = redact(cell.source, secrets)
                for output in cell.get("outputs", []):
                    _redact_output(output, secrets)
                for name in list(cell.get("attachments", {}) or {}):
                    del cell.attachments[name]
            cells.append(cell)
        nb.cells = cells
        return nb, resources

    def _hidden_lines(self, resources) -> set[str]:
        info = resources.get("nbgrader", {})
        try:
            from nbgrader.api import Gradebook
            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
                lines = hidden_test_lines([cell.source for cell in notebook.source_cells])
        except Exception as error:  # noqa: BLE001 - no page without knowing what to hide
            raise RuntimeError(f"cannot read the hidden tests from the gradebook: {error}") from error
        return lines | {f"### {marker}" for marker in MARKERS}  # a printed copy shows nbgrader's markers too


def redact(text, secrets) -> str:
    """``text`` with every line that quotes one of ``secrets`` replaced by :data:`REDACTED`.

    A line quotes a secret however it was printed: as written, in a Python or JSON string
    (``print(In)`` shows the kernel's history as a list of strings; escaped twice when a
    notebook file is printed as JSON), HTML-escaped or in terminal colours. Lines are
    compared without terminal colours, HTML entities, quotes, backslashes and white space.
    """
    if isinstance(text, list):
        text = "".join(text)
    if not secrets or not text:
        return text
    squashed = [_squash(secret) for secret in secrets]
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        plain = _squash(line)
        if any(secret in plain for secret in squashed):
            lines[index] = REDACTED + ("\n" if line.endswith("\n") else "")
    return "".join(lines)


def _squash(text: str) -> str:
    return _NOISE.sub("", html.unescape(_ANSI.sub("", text)))


def _redact_output(output, secrets) -> None:
    if "text" in output:
        output["text"] = redact(output["text"], secrets)
    if output.get("output_type") == "error":
        output["evalue"] = redact(str(output.get("evalue", "")), secrets)
        output["traceback"] = [redact(line, secrets) for line in output.get("traceback", [])]
    for mime, value in list(output.get("data", {}).items()):
        if isinstance(value, (str, list)):
            output["data"][mime] = redact(value, secrets)
        elif redact(json.dumps(value), secrets) != json.dumps(value):
            output["data"][mime] = REDACTED

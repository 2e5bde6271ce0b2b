"""nbgrader/nbconvert steps for autograding (``assignments/nbgrader_config.py`` uses them).

- :class:`RestoreDeletedTestCells`, nbgrader's step that puts deleted test cells back,
  made robust (nbgrader 0.9 crashes on a submission whose deleted test cell followed an
  ordinary locked cell, or whose answer cell was deleted too, or in which a learner copied
  an answer or test cell);
- :class:`LimitOutputSize`, an autograde step that caps every output by characters
  (nbgrader caps lines only, so one enormous line would otherwise bloat the graded
  notebook and the feedback page).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import OverwriteCells
from traitlets import Bool, Integer

from course_grading.notebooks import nbgrader_meta

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

    A cell the learner copied (the same ``grade_id`` twice) grades too: nbgrader's
    ``DeduplicateIds``, which runs before this step, keeps the last copy and empties the
    others' ``nbgrader`` marks; nbgrader's ``add_missing_task_cells`` then stops with
    ``KeyError: 'grade_id'`` on an empty one. Marks without a ``grade_id`` are dropped here
    first, so such a copy is an ordinary cell (it still runs, in its place).
    """

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata.nbgrader:
                del cell.metadata["nbgrader"]
        return super().preprocess(nb, resources)

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        cells = {cell.name: cell for cell in source_nb.source_cells}
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        order = _source_order(self.db_url, self.assignment_id, self.notebook_id) or list(cells)
        order += [name for name in cells if name not in order]
        for position, name in enumerate(order):
            present = {nbgrader_meta(cell).get("grade_id"): i for i, cell in enumerate(nb.cells)}
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
    return [nbgrader_meta(c)["grade_id"] for c in source.cells if "grade_id" in nbgrader_meta(c)]

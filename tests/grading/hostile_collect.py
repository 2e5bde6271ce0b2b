"""Assignment 1 submissions as they really arrive: renamed, copied, saved by Colab, broken.

``SUBMISSIONS`` are notebooks that must be collected and graded per question like any other:
Colab, browser, file-manager and LMS names, a notebook renamed inside its zip, a Colab save
(nbformat 4.0, no cell ids, Colab's metadata and widget state), and copied answer and test
cells. ``DOWNLOADS`` are files that ``make collect`` must refuse, each named in its errors
(``test_collect.py`` checks them): malformed JSON, names that give no student id or an
unsafe one, a zip entry that points outside its folder, a file that is no notebook; and
two it must set aside without an error (an older Blackboard attempt, its receipt).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat

from course_grading.notebooks import nbgrader_meta
from tests.grading.submissions import SOLUTION, Submission

RELEASE = nbformat.read(Path(__file__).resolve().parents[2] / "assignments/release/a1_tensors/a1_tensors.ipynb", 4)
ALL = ("q1_tensor_facts", "q2_centre_crop", "q3_get_batch", "q4_count_batches")
WRONG_Q4 = "def count_batches(num_samples, batch_size):\n    return 0\n"


@dataclass
class Download(Submission):
    """A submission downloaded as ``filename`` (``x.zip/y`` is inside ``x.zip``), written by ``save``."""

    filename: str = ""
    save: Callable | None = None


def points(q1=0, q2=0, q3=0, q4=0) -> dict:
    return {"q1_tensor_facts_tests": q1, "q2_centre_crop_tests": q2, "q3_get_batch_tests": q3,
            "q4_count_batches_tests": q4}


def colab_save(nb) -> bytes:
    """The notebook as Colab's *File > Download > .ipynb* writes it."""
    raw = json.loads(nbformat.writes(nb))
    raw["nbformat_minor"] = 0
    raw["metadata"] = {
        "colab": {"provenance": [], "name": "Copy of a1_tensors.ipynb", "gpuType": "T4"},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
        "accelerator": "GPU",
        # Colab's widget state lacks the "state"/"version" keys nbformat's schema asks for.
        "widgets": {"application/vnd.jupyter.widget-state+json": {
            "f3a1": {"model_module": "@jupyter-widgets/controls", "model_name": "FloatProgressModel",
                     "model_module_version": "1.5.0", "state": {"value": 1.0}}}},
    }
    for number, cell in enumerate(raw["cells"]):
        cell["metadata"]["id"] = f"colab{number:04d}"  # Colab keeps its ids in the metadata...
        del cell["id"]  # ...and writes no nbformat 4.5 cell id
        if cell["cell_type"] == "code":
            cell["metadata"]["colab"] = {"base_uri": "https://localhost:8080/", "height": 35}
            cell["metadata"]["outputId"] = f"0f{number:06d}-aaaa-bbbb-cccc-000000000000"
            cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {
                "application/vnd.jupyter.widget-view+json": {"model_id": "f3a1", "version_major": 2,
                                                             "version_minor": 0},
                "text/plain": ["FloatProgress(value=1.0)"]}}]
    return json.dumps(raw, indent=2).encode()


def copy_cells(nb) -> bytes:
    """The learner copied cells: an answer (a wrong first try above the right one), a test cell
    (the copy below it edited to pass), and another test cell (unchanged copy)."""
    cells = []
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id == "q2_centre_crop":
            first_try = copy.deepcopy(cell)
            first_try.source = "def centre_crop(images, size):\n    return images\n"
            first_try.id = "firsttry"
            cells.append(first_try)
        cells.append(cell)
        if grade_id in ("q1_tensor_facts_tests", "q3_get_batch_tests"):
            twin = copy.deepcopy(cell)
            twin.id = f"copy-{grade_id[:2]}"
            if grade_id == "q1_tensor_facts_tests":
                twin.source = "pass  # my copy of the test: nothing to check"
            cells.append(twin)
    nb.cells = cells
    return nbformat.writes(nb).encode()


SUBMISSIONS = [
    Download("colabcopy", filename="colabcopy_Copy of a1_tensors.ipynb", save=colab_save,
             answers={"q1_tensor_facts": SOLUTION, "q2_centre_crop": SOLUTION, "q3_get_batch": SOLUTION,
                      "q4_count_batches": WRONG_Q4},
             expected=points(1, 2, 1, 0)),
    Download("browser", filename="browser_a1_tensors (1).ipynb",
             answers={"q1_tensor_facts": SOLUTION, "q2_centre_crop": SOLUTION}, expected=points(1, 2, 0, 0)),
    Download("UpperCase", filename="UpperCase_A1_Tensors.IPYNB",
             answers={a: SOLUTION for a in ALL}, expected=points(1, 2, 1, 1)),
    Download("lovelaceada", filename="lovelaceada_LATE_12345_67890_a1_tensors-1.ipynb",  # Canvas
             answers={"q3_get_batch": SOLUTION, "q4_count_batches": SOLUTION}, expected=points(0, 0, 1, 1)),
    Download("Grace_Hopper",  # Moodle's "download submissions in folders", zipped
             filename="moodle_bulk.zip/Grace Hopper_4242_assignsubmission_file_/Copy of a1_tensors (2).ipynb",
             answers={"q1_tensor_facts": SOLUTION}, expected=points(1, 0, 0, 0)),
    Download("bbuser", filename="Assignment 1_bbuser_attempt_2026-01-30-15-00-00_a1_tensors.ipynb",  # Blackboard
             answers={a: SOLUTION for a in ALL}, expected=points(1, 2, 1, 1)),
    Download("renamer", filename="renamer_a1_tensors.zip/my homework (final).ipynb",
             answers={"q2_centre_crop": SOLUTION}, expected=points(0, 2, 0, 0)),
    Download("copier", save=copy_cells,
             answers={"q1_tensor_facts": "facts = None\n", "q2_centre_crop": SOLUTION, "q3_get_batch": SOLUTION,
                      "q4_count_batches": SOLUTION},
             expected=points(0, 2, 1, 1),
             results={"q1_tensor_facts_tests": ["failed"], "q2_centre_crop_tests": ["passed"],
                      "q3_get_batch_tests": ["passed"]}),
]

_BLANK = nbformat.writes(RELEASE).encode()

#: Files make collect must name in its errors, with a phrase its message must contain.
REFUSED = {
    "broken_a1_tensors.ipynb": "malformed notebook: not valid JSON",
    "Copy of a1_tensors.ipynb": "cannot tell whose notebook this is",
    ".._a1_tensors.ipynb": "student id '..' is not allowed",
    "ev\\il_a1_tensors.ipynb": "is not allowed",
    "**bold**_a1_tensors.ipynb": "is not allowed",
    "sneaky.zip/../../escape_a1_tensors.ipynb": "unsafe path inside the zip",
    "sneaky.zip/C:/escape_a1_tensors.ipynb": "unsafe path inside the zip",
    "reader_notes.pdf": "not a notebook",
}
#: Files make collect sets aside on purpose, with the outcome it must give them.
SET_ASIDE = {
    "Assignment 1_bbuser_attempt_2026-01-29-09-00-00_a1_tensors.ipynb": "superseded",  # an older attempt
    "Assignment 1_bbuser_attempt_2026-01-30-15-00-00.txt": "ignored",  # Blackboard's receipt
    ".DS_Store": "ignored",
}
DOWNLOADS = [
    ("broken_a1_tensors.ipynb", b'{"cells": [{"cell_type": "code", "source": "print(1)"'),
    ("reader_notes.pdf", b"%PDF-1.4 not a notebook"),
    ("Assignment 1_bbuser_attempt_2026-01-29-09-00-00_a1_tensors.ipynb", _BLANK),
    ("Assignment 1_bbuser_attempt_2026-01-30-15-00-00.txt", b"Name: bbuser\nSubmitted: 2026-01-30\n"),
    (".DS_Store", b"\x00\x00\x00\x01Bud1"),
] + [(name, _BLANK) for name in REFUSED if name.endswith(".ipynb") and not name.startswith("broken")]

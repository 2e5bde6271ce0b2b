"""The autograding preprocessors, without running nbgrader (test_autograde.py does that)."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_grading.preprocessors import LimitOutputSize

pytestmark = pytest.mark.grader


def test_limit_output_size_caps_every_kind_of_text_output():
    cell = new_code_cell("print('x' * 50)")
    cell.outputs = [
        new_output("stream", name="stdout", text="x" * 50),
        new_output("execute_result", data={"text/plain": "y" * 50, "image/png": "z" * 50}, execution_count=1),
        new_output("error", ename="ValueError", evalue="e" * 50, traceback=["t" * 50, "short"]),
    ]
    limiter = LimitOutputSize(max_chars=10)
    assert limiter.enabled  # nbconvert skips disabled preprocessors
    nb, _ = limiter(new_notebook(cells=[cell]), {})
    stream, result, error = nb.cells[0].outputs
    assert stream.text.startswith("x" * 10) and "40 more characters" in stream.text
    assert "40 more characters" in result.data["text/plain"]
    assert result.data["image/png"] == "z" * 50  # pictures are left alone
    assert "40 more characters" in error.evalue and error.traceback[1] == "short"


def test_limit_output_size_leaves_small_outputs_and_markdown_alone():
    cell = new_code_cell("1")
    cell.outputs = [new_output("stream", name="stdout", text="fine\n")]
    nb = new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("x" * 100)])
    nb, _ = LimitOutputSize(max_chars=10)(nb, {})
    assert nb.cells[0].outputs[0].text == "fine\n" and nb.cells[1].source == "x" * 100

"""Checking student versions for leaked solutions and hidden tests."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_grading.release import check_release, find_leaks

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.grader


def _source_notebook():
    answer = new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return secret_formula(x) + 12345\n"
                           "    ### END SOLUTION\n")
    tests = new_code_cell("assert f(1) == 12346\n### BEGIN HIDDEN TESTS\nassert f(2) == 12347  # hidden case\n"
                          "### END HIDDEN TESTS\n")
    return new_notebook(cells=[new_code_cell("import numpy as np"), answer, tests])


def test_find_leaks_reports_solution_and_hidden_lines_and_markers():
    source = _source_notebook()
    clean = new_notebook(cells=[new_code_cell("import numpy as np"),
                                new_code_cell("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
                                new_code_cell("assert f(1) == 12346")])
    assert find_leaks(source, clean) == []
    leaky = new_notebook(cells=[new_code_cell("def f(x):\n    return secret_formula(x) + 12345"),
                                new_code_cell("assert f(2) == 12347  # hidden case\n### END HIDDEN TESTS")])
    assert find_leaks(source, leaky) == [
        "return secret_formula(x) + 12345", "assert f(2) == 12347  # hidden case", "### END HIDDEN TESTS"]


def test_check_release_names_missing_and_leaky_student_versions(tmp_path):
    (tmp_path / "source" / "hw").mkdir(parents=True)
    nbformat.write(_source_notebook(), tmp_path / "source" / "hw" / "hw.ipynb")
    assert "missing" in check_release(tmp_path)[0]
    (tmp_path / "release" / "hw").mkdir(parents=True)
    nbformat.write(_source_notebook(), tmp_path / "release" / "hw" / "hw.ipynb")
    problems = check_release(tmp_path)
    assert any("secret_formula" in p for p in problems) and any("BEGIN SOLUTION" in p for p in problems)


def test_check_release_command_passes_on_the_committed_student_versions():
    """What `make student-versions` runs last, on the student versions in the repository."""
    result = subprocess.run([sys.executable, "-m", "course_grading", "check-release", "--course", "assignments"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "present, with no solutions or hidden tests" in result.stdout

"""Static checks of the saved chapter notebooks: audit, structure, badges, exercises.

nbval (run by `make test`) re-executes them and compares every stored output; these
tests check what nbval does not.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import GITHUB_REPO

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NBAUDIT = REPO.parent / "shared" / "tools" / "nbaudit.py"
NUMPY_ONLY = {"02_data_representations.ipynb", "03_tensor_operations.ipynb", "04_geometry_of_tensor_operations.ipynb"}


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def test_the_first_three_chapters_exist_in_order():
    names = [p.name for p in NOTEBOOKS]
    assert names[:3] == ["01_first_look_at_a_neural_network.ipynb", "02_data_representations.ipynb",
                         "03_tensor_operations.ipynb"]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names)


@pytest.mark.skipif(not NBAUDIT.exists(),
                    reason=f"nbaudit.py is not at {NBAUDIT} (it lives in the build machines' shared/)")
def test_nbaudit_reports_no_problems():
    result = subprocess.run([sys.executable, str(NBAUDIT), str(REPO / "notebooks")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 with problems" in result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opening_badges_and_colab_only_install(path):
    first, install = cells(path)[:2]
    text = source(first)
    assert text.startswith("# ") and "\n*" in text  # title, then the italic purpose line
    assert f"colab.research.google.com/github/{GITHUB_REPO}/blob/main/notebooks/{path.name}" in text
    assert f"mybinder.org/v2/gh/{GITHUB_REPO}/main?labpath=notebooks%2F{path.name}" in text
    code = source(install)
    assert 'if "google.colab" in sys.modules:' in code and f"git+https://github.com/{GITHUB_REPO}" in code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_call_pictures_and_exercises(path):
    all_cells = cells(path)
    code = [source(c) for c in all_cells if c["cell_type"] == "code"]
    assert any("setup_notebook(" in c for c in code[:3]), "the setup call comes right after the imports"
    pictures = sum("image/png" in o.get("data", {}) for c in all_cells for o in c.get("outputs", []))
    assert pictures >= 3
    exercises = [c for c in code if "exercises.check_" in c]
    assert len(exercises) >= 3
    assert all("..." in c for c in exercises), "exercise cells start unanswered"
    solutions = sum("<summary>Solution</summary>" in source(c) for c in all_cells if c["cell_type"] == "markdown")
    assert solutions == len(exercises)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_section_closes_with_an_exercise(path):
    """Each `##` section that teaches (not the summary) holds at least one checked exercise."""
    sections, current = {}, None
    for cell in cells(path):
        text = source(cell)
        if cell["cell_type"] == "markdown":
            for line in text.splitlines():
                if line.startswith("## "):
                    current = line[3:]
                    sections[current] = 0
        elif current and "exercises.check_" in text:
            sections[current] += 1
    teaching = {name: n for name, n in sections.items() if not re.match(r"(Summary|What just happened)", name)}
    assert teaching and all(teaching.values()), teaching


@pytest.mark.parametrize("name", sorted(NUMPY_ONLY))
def test_numpy_only_chapters_never_load_keras(name):
    text = "\n".join(source(c) for c in cells(REPO / "notebooks" / name) if c["cell_type"] == "code")
    assert not re.search(r"import (keras|tensorflow)|import_keras|check_environment\(\)", text)


def test_no_saved_output_carries_tensorflow_log_lines():
    for path in NOTEBOOKS:
        for cell in cells(path):
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", ""))
                assert "absl::InitializeLog" not in text and not re.search(r"^[IWEF]\d{4} ", text, re.M), path.name

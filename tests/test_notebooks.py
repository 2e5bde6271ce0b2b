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

import course_lib
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
def test_opening_badges_book_map_and_hosted_only_install_at_this_release(path):
    first, install = cells(path)[:2]
    # The title cell ends with the book sections covered (both editions) and what the learner will be able to do.
    mapping = source(first).split("**Book sections:**", 1)[-1]
    assert "**Book sections:**" in source(first) and "**You will be able to:**" in mapping
    assert "2nd edition" in mapping and "3rd edition" in mapping and mapping.count("\n- ") >= 3
    text = source(first)
    tag = f"v{course_lib.__version__}"
    assert text.startswith("# ") and "\n*" in text  # title, then the italic purpose line
    assert f"colab.research.google.com/github/{GITHUB_REPO}/blob/{tag}/notebooks/{path.name}" in text
    assert f"mybinder.org/v2/gh/{GITHUB_REPO}/{tag}?labpath=notebooks%2F{path.name}" in text
    code = source(install)
    assert f'COURSE_RELEASE = "{tag}"' in code and f"git+https://github.com/{GITHUB_REPO}@{{COURSE_RELEASE}}" in code
    assert 'if "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ:' in code
    assert "check=True" not in code and "print(" in code  # a failed install says what to do, no traceback


def test_every_notebook_and_the_library_agree_on_the_release():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "set_version.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["01_first_look_at_a_neural_network.ipynb", "06_first_example_from_scratch.ipynb"])
def test_training_chapters_ask_colab_and_kaggle_for_a_gpu(name):
    metadata = json.loads((REPO / "notebooks" / name).read_text())["metadata"]
    assert metadata["accelerator"] == "GPU" and metadata["colab"]["gpuType"] == "T4"
    assert metadata["kaggle"]["accelerator"] == "gpu" and metadata["kaggle"]["isInternetEnabled"]


INSTALL_RUN = """
import json, subprocess, sys
sys.modules["google.colab"] = type(sys)("google.colab")  # pretend to be on Colab
subprocess.run = lambda *a, **k: subprocess.CompletedProcess(a, 1, "", "ERROR: Could not resolve host: github.com")
exec("".join(json.load(open({path!r}))["cells"][1]["source"]))
"""


def test_a_failed_hosted_install_prints_one_line_and_raises_nothing():
    path = str(NOTEBOOKS[0])
    result = subprocess.run([sys.executable, "-c", INSTALL_RUN.format(path=path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and "Could not install course_lib v" in lines[0] and "Could not resolve host" in lines[0]


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

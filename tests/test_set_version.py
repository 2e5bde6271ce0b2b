"""tools/set_version.py: one command moves every install cell and badge to a new release."""

import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("set_version", REPO / "tools" / "set_version.py")
set_version = importlib.util.module_from_spec(spec)
spec.loader.exec_module(set_version)


def test_rewrite_moves_install_cell_and_both_badges_to_the_tag():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": [
            "[![Colab](x.svg)](https://colab.research.google.com/github/org/repo/blob/main/notebooks/a.ipynb) ",
            "[![Binder](y.svg)](https://mybinder.org/v2/gh/org/repo/v0.1.0?labpath=notebooks%2Fa.ipynb)"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ['COURSE_RELEASE = "v0.1.0"\n', "print(1)"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    out = json.loads(set_version.rewrite_notebook(json.dumps(nb), "v2.3.4"))
    text = "".join(out["cells"][0]["source"])
    assert "github/org/repo/blob/v2.3.4/notebooks/a.ipynb" in text
    assert "gh/org/repo/v2.3.4?labpath=notebooks%2Fa.ipynb" in text
    assert out["cells"][1]["source"] == ['COURSE_RELEASE = "v2.3.4"\n', "print(1)"]


def test_bad_versions_are_refused(capsys):
    assert set_version.main(["1.2"]) == 2
    assert "a version looks like 1.2.3" in capsys.readouterr().err


def test_check_passes_on_the_committed_tree():
    assert set_version.main(["--check"]) == 0

"""The package describes itself truthfully, and its layout keeps its promises.

- the package docstring lists every module, and the README's layout section names them;
- each module's "Introduced in notebook N" names exactly the chapter notebooks that import it;
- the tests mirror the package (one test file per module, in the mirrored folder);
- no module parses a feedback or verdict message back (they are structured records);
- in a learner's install (no nbgrader, nbconvert, Keras or TensorFlow) every learner
  module imports, and what needs Keras fails only when called, with a clear message.
"""

import ast
import importlib
import importlib.util
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import course_lib

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def learner_modules() -> list[str]:
    """Every module of course_lib (packages' __init__ files excluded), by dotted name."""
    names = []
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        if not info.ispkg:
            names.append(info.name)
    return sorted(names)


MODULES = learner_modules()


def test_the_layout_has_the_promised_parts():
    assert {"course_lib.data", "course_lib.geometry", "course_lib.graph", "course_lib.dashboard",
            "course_lib.validation", "course_lib.panels.base", "course_lib.feedback.base",
            "course_lib.plots.style"} <= set(MODULES)
    assert not any("grading" in name for name in MODULES), "instructor code belongs to course_grading"
    top_level = {name for name in MODULES if name.count(".") == 1}
    assert {"course_lib.widgets", "course_lib.plotting", "course_lib.checks", "course_lib.quiz"}.isdisjoint(top_level)


def test_package_docstring_lists_every_module_and_nothing_else():
    listed = set(re.findall(r":mod:`(course_lib(?:\.\w+)+)`", course_lib.__doc__))
    packages = {f"course_lib.{p}" for p in ("plots", "panels", "feedback")}
    assert listed - packages == set(MODULES)


def readme_layout_entries() -> dict[str, str]:
    """The README's layout block as {first word of an entry: its text}; an entry starts at column 0 or 2."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the project is laid out", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    entries, current = {}, None
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if line.strip() and indent in (0, 2):
            current = line.split()[0].rstrip(",")
            entries[current] = ""
        if current:
            entries[current] += line + "\n"
    return entries


def test_readme_layout_section_names_every_module():
    entries = readme_layout_entries()
    for folder in ("notebooks/", "course_lib/", "grading/", "course_grading/", "tests/", "plots/", "panels/",
                   "feedback/"):
        assert folder in entries, f"README layout has no entry for {folder}"
    for name in MODULES:
        *folders, module = name.split(".")[1:]
        where = [entries[f"{folders[-1]}/"]] if folders else [t for k, t in entries.items() if not k.endswith("/")]
        assert any(f"{module}.py" in text for text in where), f"README layout does not list {name}"
    grading = entries["course_grading/"]
    for path in sorted((REPO / "grading" / "course_grading").glob("*.py")):
        assert path.name == "__init__.py" or path.name in grading, f"README layout does not list {path.name}"


def notebook_imports(path: Path) -> set[str]:
    """The course_lib modules a notebook's code imports directly."""
    found = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # a cell with IPython syntax imports nothing we track
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("course_lib.")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_lib"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if importlib.util.find_spec(candidate.rsplit(".", 1)[0]) and
                              _is_module(candidate) else node.module)
    return found & set(MODULES)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def introduced_in(module) -> set[int]:
    """The notebook numbers named by the module's "Introduced in ..." sentence (empty if none)."""
    match = re.search(r"Introduced in (.*?)\.(?:\s|$)", module.__doc__ or "", re.S)
    numbers = set()
    for first, last in re.findall(r"\b(\d\d)(?:-(\d\d))?\b", match.group(1) if match else ""):
        numbers |= set(range(int(first), int(last or first) + 1))
    return numbers


@pytest.mark.parametrize("name", MODULES)
def test_introduced_in_names_exactly_the_notebooks_that_import_the_module(name):
    importers = {int(path.name[:2]) for path in CHAPTERS if name in notebook_imports(path)}
    module = importlib.import_module(name)
    assert module.__doc__ and module.__doc__.strip(), f"{name} has no docstring"
    assert introduced_in(module) == importers, (
        f"{name} says it is introduced in notebooks {sorted(introduced_in(module))}, "
        f"but notebooks {sorted(importers)} import it")


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_a_mirrored_test_file(name):
    parts = name.split(".")[1:]
    assert (REPO / "tests" / Path(*parts[:-1]) / f"test_{parts[-1]}.py").is_file()


#: Ways of taking a message apart again; feedback and verdicts are records with fields instead.
MESSAGE_PARSING = [
    re.compile(r"removeprefix\(\s*[\"']Not yet"),
    re.compile(r"\.split\(\s*[\"']:[\"']\s*\)\s*\[\s*0\s*\]"),
    re.compile(r"\.split\(\s*[\"']\\nHint"),
    re.compile(r"\.split\(\s*[\"']How to fix"),
    re.compile(r"\.startswith\(\s*[\"'](Fix|Not yet|Correct|Not answered|Not read)"),
    re.compile(r"\.message\.(split|removeprefix|partition|startswith|replace)\("),
]


def test_no_module_parses_a_message_back():
    offenders = []
    for path in sorted((REPO / "course_lib").rglob("*.py")) + sorted((REPO / "grading").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in MESSAGE_PARSING):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_message_parsing_patterns_catch_what_they_should():
    samples = ['outcome.message.removeprefix("Not yet: ")', "verdict(run).split(':')[0]",
               'text.split(":")[0]', 'problem.split("How to fix it:", 1)', 'h.startswith("Fix:")']
    assert all(any(p.search(s) for p in MESSAGE_PARSING) for s in samples)


LEARNER_INSTALL = """
import importlib, sys
sys.path.insert(0, {repo!r})
from tests.blocker import block
block(("nbgrader", "nbconvert", "keras", "tensorflow"), "not in a learner's install")
for name in {modules!r}:
    importlib.import_module(name)
from course_lib import backend, training
for call in (backend.import_keras, backend.import_tensorflow, lambda: training.NaiveDense(4, 2, None)):
    try:
        call()
    except ImportError as error:
        assert "Install the course's packages" in str(error), error
    else:
        raise SystemExit("a Keras-needing call worked without Keras")
try:
    importlib.import_module("course_grading.report")
except ImportError:
    pass
else:
    raise SystemExit("course_grading imported without nbgrader")
print("ok", len({modules!r}))
"""


@pytest.mark.server
def test_every_learner_module_imports_without_nbgrader_nbconvert_or_keras():
    code = LEARNER_INSTALL.format(repo=str(REPO), modules=MODULES)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == f"ok {len(MODULES)}"

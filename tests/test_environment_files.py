"""environment.yml, binder/ and the test setup describe the same environment."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pins(lines):
    """Return the set of `name==version[; marker]` requirements, normalised."""
    found = set()
    for line in lines:
        line = line.split("#", 1)[0].strip().lstrip("- ").strip()
        if "==" in line:
            found.add(re.sub(r"\s+", " ", line.replace("'", '"')))
    return found


def read(path):
    return (REPO / path).read_text().splitlines()


def environment_yml_pip_section():
    lines = read("environment.yml")
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    return lines[start + 1:]


def test_binder_and_conda_pin_exactly_what_the_tests_run_on():
    base = pins(read("requirements/base.txt"))
    assert len(base) >= 7 and any(p.startswith("keras==") for p in base)
    assert pins(read("binder/requirements.txt")) == base
    assert pins(environment_yml_pip_section()) == base


def test_test_requirements_build_on_the_grader_and_base_sets():
    test = read("requirements/test.txt")
    assert "-r grader.txt" in [line.strip() for line in test]
    assert {p.split("==")[0] for p in pins(test)} >= {"pytest", "nbval", "hypothesis"}
    grader = read("requirements/grader.txt")
    assert "-r base.txt" in [line.strip() for line in grader]
    assert [p.split("==")[0] for p in pins(grader)] == ["nbgrader"]


def test_learners_never_install_the_grader():
    for learner_file in (read("requirements/base.txt"), read("binder/requirements.txt"), environment_yml_pip_section()):
        assert not any("nbgrader" in line for line in learner_file)


def test_same_python_everywhere():
    assert "python-3.11" in read("binder/runtime.txt")
    assert "  - python=3.11" in read("environment.yml")


def test_everything_installs_course_lib():
    assert "- -e ." in [line.strip() for line in environment_yml_pip_section()]
    assert "pip install --no-deps --no-cache-dir -e ." in (REPO / "binder/postBuild").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert "-r requirements/base.txt -e ." in makefile and "-r requirements/test.txt" in makefile

"""environment.yml, binder/ and the test setup describe the same environment."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
#: platform.machine() and sys.platform of the support matrix's platforms (tools/support_matrix.py).
PLATFORMS = {
    "Linux x86_64": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "Linux aarch64": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "macOS arm64": {"sys_platform": "darwin", "platform_machine": "arm64"},
    "macOS x86_64": {"sys_platform": "darwin", "platform_machine": "x86_64"},
    "Windows x86_64": {"sys_platform": "win32", "platform_machine": "AMD64"},
}
BACKENDS = {"tensorflow", "tensorflow-cpu", "jax", "jaxlib"}


def pins(lines):
    """Return the set of `name==version[; marker]` requirements, normalised."""
    found = set()
    for line in lines:
        line = line.split("#", 1)[0].strip().lstrip("- ").strip()
        if "==" in line:
            found.add(re.sub(r"\s+", " ", line.replace("'", '"')))
    return found


def pyproject():
    import tomllib  # standard library from Python 3.11 (ruff's target is still 3.10)

    return tomllib.loads((REPO / "pyproject.toml").read_text())


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
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.11"  # numpy 2.4.6 needs 3.11 (README's support matrix)


def backends_on(requirements, platform):
    """The Keras-backend distributions among ``requirements`` whose markers hold on ``platform``."""
    found = set()
    for line in requirements:
        requirement = Requirement(line)
        if requirement.name in BACKENDS and (requirement.marker is None or requirement.marker.evaluate(
                {**PLATFORMS[platform], "python_version": "3.12"})):
            found.add(requirement.name)
    return found


@pytest.mark.parametrize(("platform", "expected"), [
    ("Linux x86_64", {"tensorflow-cpu"}),
    ("Linux aarch64", {"tensorflow"}),
    ("macOS arm64", {"tensorflow"}),
    ("macOS x86_64", {"jax", "jaxlib"}),  # TensorFlow has no build for Intel Macs after 2.16
    ("Windows x86_64", {"tensorflow"}),
])
def test_each_platform_gets_exactly_one_keras_backend(platform, expected):
    assert backends_on(pins(read("requirements/base.txt")), platform) == expected
    extra = pyproject()["project"]["optional-dependencies"]["keras"]
    assert backends_on(extra, platform) == expected - {"jaxlib"}  # the extra's jax brings its jaxlib


def test_binder_and_grader_use_a_notebook_made_for_the_pinned_jupyterlab():
    """notebook 7.4 requires jupyterlab<4.5; Binder installs notebook itself, nbgrader needs it."""
    base = pins(read("requirements/base.txt"))
    assert {"jupyterlab==4.6.6", "notebook==7.6.5"} <= base


def test_everything_installs_course_lib():
    assert "- -e ." in [line.strip() for line in environment_yml_pip_section()]
    assert "pip install --no-deps --no-cache-dir -e ." in (REPO / "binder/postBuild").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert "-r requirements/base.txt -e ." in makefile and "-r requirements/test.txt" in makefile


def test_binder_gives_voila_the_dashboards_settings_and_template(tmp_path):
    """postBuild's last lines (after the install) put the hub's server settings and the course's Voila template
    where Binder's Jupyter server finds them; run here with the data and config folders in tmp_path."""
    script = (REPO / "binder/postBuild").read_text()
    settings_part = script[script.index("templates="):]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data"), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(["bash", "-euo", "pipefail", "-c", settings_part], cwd=REPO, env=env, check=True)
    template = tmp_path / "data" / "voila" / "templates" / "course-dashboard"
    assert (template / "index.html.j2").is_file() and template.resolve() == (
        REPO / "course_lib/voila_page/voila/templates/course-dashboard").resolve()
    copied = json.loads((tmp_path / "config" / "jupyter_server_config.json").read_text())
    assert copied == json.loads((REPO / "hub/singleuser/jupyter_server_config.json").read_text())
    assert copied["ServerApp"]["kernel_websocket_connection_class"].endswith("V1KernelConnection")

"""tools/support_matrix.py: per-platform requirements, pip's reasons, the table and the exit code.

Nothing here reaches the package index: the resolver is a fake (the real one is run by
`make support-matrix`, which writes docs/support-matrix.md).
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from course_lib import environment

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("support_matrix", REPO / "tools" / "support_matrix.py")
support_matrix = importlib.util.module_from_spec(spec)
sys.modules["support_matrix"] = support_matrix  # dataclasses look their module up while the file runs
spec.loader.exec_module(support_matrix)

PLATFORMS = {platform.key: platform for platform in support_matrix.PLATFORMS}
BASE = support_matrix.requirement_lines(REPO / "requirements" / "base.txt")


def backend_pins(key, python="3.12"):
    """The Keras-backend pins base.txt gives platform ``key``."""
    lines = support_matrix.platform_requirements(BASE, PLATFORMS[key], python)
    return sorted(line for line in lines if line.split("==")[0] in {"tensorflow", "tensorflow-cpu", "jax", "jaxlib"})


@pytest.mark.parametrize(("key", "expected"), [
    ("linux-x86_64", ["tensorflow-cpu==2.21.0"]),
    ("linux-aarch64", ["tensorflow==2.21.0"]),
    ("macos-arm64", ["tensorflow==2.21.0"]),
    ("macos-x86_64", ["jax==0.4.38", "jaxlib==0.4.38"]),
    ("windows-x86_64", ["tensorflow==2.21.0"]),
])
def test_base_txt_markers_give_each_platform_its_backend(key, expected):
    assert backend_pins(key) == expected
    lines = support_matrix.platform_requirements(BASE, PLATFORMS[key], "3.12")
    assert not any(";" in line for line in lines), "markers are evaluated and dropped"
    assert {"numpy==2.4.6", "keras==3.15.1", "jupyterlab==4.6.6", "notebook==7.6.5"} <= set(lines)


def test_markers_are_evaluated_for_the_target_not_for_this_machine():
    windows = PLATFORMS["windows-x86_64"]
    assert windows.marker_environment("3.13")["sys_platform"] == "win32"
    assert support_matrix.marker_holds('sys_platform == "win32" and python_version >= "3.13"', windows, "3.13")
    assert not support_matrix.marker_holds('python_version < "3.12"', windows, "3.13")
    lines = ['a==1; python_version < "3.12"', 'b==2; platform_machine == "AMD64"', "-e .", "c==3"]
    assert support_matrix.platform_requirements(lines, windows, "3.13") == ["b==2", "-e .", "c==3"]
    assert support_matrix.platform_requirements(lines, PLATFORMS["linux-x86_64"], "3.11") == ["a==1", "-e .", "c==3"]


def test_requirement_lines_follow_includes_and_drop_comments(tmp_path):
    (tmp_path / "base.txt").write_text("# comment\nnumpy==2.4.6  # pinned\n\nkeras==3.15.1\n")
    (tmp_path / "more.txt").write_text("-r base.txt\nnbgrader==0.9.6\n")
    assert support_matrix.requirement_lines(tmp_path / "more.txt") == ["numpy==2.4.6", "keras==3.15.1",
                                                                       "nbgrader==0.9.6"]


def test_every_platform_of_the_matrix_has_the_environment_reports_facts():
    """course_lib.environment tells learners what base.txt installs on their machine: the same facts."""
    backends = {"tensorflow-cpu": "tensorflow", "tensorflow": "tensorflow", "jax": "jax"}
    for key, platform in PLATFORMS.items():
        facts = environment.platform_facts(platform.platform_system, platform.platform_machine)
        assert facts is not None, key
        package = backend_pins(key)[0].split("==")[0]
        assert (facts.backend_package, facts.keras_backend) == (package, backends[package]), key
    assert len(environment.PLATFORMS) == len(PLATFORMS)


def test_the_promise_matches_the_environment_reports_python_range():
    oldest, newest = environment.PYTHON_RANGE
    promised = [f"{oldest[0]}.{minor}" for minor in range(oldest[1], newest[1] + 1)]
    assert all(list(versions) == promised for versions in support_matrix.SUPPORTED.values())
    assert set(support_matrix.SUPPORTED) == set(PLATFORMS)


def test_linux_tags_include_the_older_manylinux_ones_pip_does_not_add_itself():
    tags = PLATFORMS["linux-x86_64"].tags
    assert tags[0] == "manylinux_2_28_x86_64"
    assert {"manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"} <= set(tags)
    assert all(tag.endswith("_aarch64") for tag in PLATFORMS["linux-aarch64"].tags)
    assert PLATFORMS["linux-x86_64"].oldest_system == "glibc 2.28+"
    assert PLATFORMS["macos-arm64"].oldest_system == "macOS 12+"
    assert PLATFORMS["windows-x86_64"].oldest_system == ""


def test_the_pip_command_resolves_for_the_target(tmp_path):
    command = support_matrix.pip_command(["-r", "reqs.txt"], PLATFORMS["linux-aarch64"], "3.12", tmp_path / "t",
                                         tmp_path / "report.json")
    assert command[:2] == [sys.executable, "-c"]
    assert json.loads(command[3])["platform_machine"] == "aarch64"
    for flag in ("--dry-run", "--ignore-installed", "--only-binary=:all:", "--report", "--target"):
        assert flag in command
    assert command[command.index("--python-version") + 1] == "3.12"
    assert command[command.index("--implementation") + 1] == "cp"
    assert [command[i + 1] for i, arg in enumerate(command) if arg == "--platform"] == list(
        PLATFORMS["linux-aarch64"].tags)
    assert command[-2:] == ["-r", "reqs.txt"]


def test_pip_runs_with_the_targets_marker_environment(monkeypatch):
    import pip._vendor.packaging.markers as markers

    monkeypatch.setattr(markers, "default_environment", markers.default_environment)  # restored afterwards
    monkeypatch.setattr(sys, "argv", ["-c", json.dumps(PLATFORMS["windows-x86_64"].marker_environment("3.13")),
                                      "install"])
    prelude = support_matrix.PIP_WITH_MARKERS.split("from pip._internal")[0]  # everything but running pip
    exec(prelude, {})  # noqa: S102 - the script's own constant
    assert markers.Marker('sys_platform == "win32" and python_version == "3.13"').evaluate()
    assert sys.argv == ["-c", "install"]


# --- pip's reasons, shortened -------------------------------------------------------------------

NUMPY_FOR_310 = """\
ERROR: Could not find a version that satisfies the requirement numpy==2.4.6 (from versions: 2.2.5, 2.2.6)
ERROR: No matching distribution found for numpy==2.4.6

  Skipping link: none of the wheel's tags (cp311-cp311-win_amd64) are compatible (run pip debug --verbose to show \
compatible tags): https://files.pythonhosted.org/packages/aa/numpy-2.4.6-cp311-cp311-win_amd64.whl \
(from https://pypi.org/simple/numpy/) (requires-python:>=3.11)
"""
TF_FOR_INTEL_MAC = """\
ERROR: Could not find a version that satisfies the requirement tensorflow==2.21.0 (from versions: 2.16.1, 2.16.2)
ERROR: No matching distribution found for tensorflow==2.21.0
"""
NO_WHEEL_AT_ALL = """\
Collecting tensorflow-cpu==2.21.0 (from -r requirements.txt (line 3))
ERROR: Could not find a version that satisfies the requirement tensorflow-cpu==2.21.0 (from versions: none)
ERROR: No matching distribution found for tensorflow-cpu==2.21.0
"""
CONFLICT = """\
ERROR: Cannot install numpy==2.4.6 and tensorflow==2.16.2 because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested numpy==2.4.6
    tensorflow 2.16.2 depends on numpy<2.0.0 and >=1.26.0; python_version >= "3.12"

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/
"""


@pytest.mark.parametrize(("output", "python", "reason"), [
    (NUMPY_FOR_310, "3.10", "numpy==2.4.6 needs Python >=3.11"),
    (NUMPY_FOR_310, None, "no numpy==2.4.6 wheel for this platform and Python (newest with one: 2.2.6)"),
    (TF_FOR_INTEL_MAC, "3.12", "no tensorflow==2.21.0 wheel for this platform and Python (newest with one: 2.16.2)"),
    (NO_WHEEL_AT_ALL, "3.12", "tensorflow-cpu has no wheel for this platform and Python (needed by -r)"),
    (CONFLICT, "3.12", "conflict: The user requested numpy==2.4.6; tensorflow 2.16.2 depends on numpy<2.0.0 and "
                       '>=1.26.0; python_version >= "3.12"'),
    ("ERROR: something else went wrong\n", "3.12", "something else went wrong"),
    ("", "3.12", "pip failed without a message"),
])
def test_short_reason(output, python, reason):
    assert support_matrix.short_reason(output, python) == reason


TF_WHEELS = """\
ERROR: Could not find a version that satisfies the requirement tensorflow==2.21.0 (from versions: 2.16.1, 2.16.2)
ERROR: No matching distribution found for tensorflow==2.21.0
  Skipping link: none of the wheel's tags (cp313-cp313-macosx_12_0_arm64) are compatible: \
https://files.pythonhosted.org/packages/aa/tensorflow-2.21.0-cp313-cp313-macosx_12_0_arm64.whl \
(from https://pypi.org/simple/tensorflow/) (requires-python:>=3.10)
  Skipping link: none of the wheel's tags (cp313-cp313-manylinux_2_27_x86_64) are compatible: \
https://files.pythonhosted.org/packages/bb/tensorflow-2.21.0-cp313-cp313-manylinux_2_27_x86_64.whl \
(from https://pypi.org/simple/tensorflow/) (requires-python:>=3.10)
"""


@pytest.mark.parametrize(("key", "python", "where"), [
    ("macos-x86_64", "3.13", "this platform"),  # wheels for 3.13 exist, none for an Intel Mac
    ("macos-arm64", "3.14", "Python 3.14"),  # an Apple Silicon wheel exists, not for 3.14
    ("linux-x86_64", "3.14", "Python 3.14"),  # manylinux_2_27 is accepted by the glibc 2.28 tag list
    ("linux-aarch64", "3.14", "this platform and Python"),
])
def test_short_reason_says_whether_the_platform_or_the_python_lacks_a_wheel(key, python, where):
    reason = support_matrix.short_reason(TF_WHEELS, python, PLATFORMS[key])
    assert reason == f"no tensorflow==2.21.0 wheel for {where} (newest with one: 2.16.2)"


def test_platforms_accept_older_macos_and_manylinux_tags():
    assert {"macosx_10_9_x86_64", "macosx_11_0_x86_64", "macosx_10_9_universal2"} <= (
        PLATFORMS["macos-x86_64"].accepted_tags())
    assert "macosx_12_0_arm64" in PLATFORMS["macos-arm64"].accepted_tags()
    assert "macosx_13_0_arm64" not in PLATFORMS["macos-arm64"].accepted_tags()
    assert {"manylinux1_x86_64", "manylinux_2_27_x86_64"} <= PLATFORMS["linux-x86_64"].accepted_tags()
    assert "manylinux_2_31_x86_64" not in PLATFORMS["linux-x86_64"].accepted_tags()


def test_a_wheel_that_accepts_the_python_is_not_blamed_on_the_python():
    output = NUMPY_FOR_310.replace("requires-python:>=3.11", "requires-python:>=3.10")
    assert support_matrix.short_reason(output, "3.10").startswith("no numpy==2.4.6 wheel")


# --- The table and the exit code, with a fake resolver -----------------------------------------

def fake_resolver(failures):
    """A resolver that fails (platform key, python) in ``failures`` with their reason; records its calls."""
    calls = []

    def resolve(platform, python, requirements):
        calls.append((platform.key, python, list(requirements)))
        if (platform.key, python) in failures:
            return support_matrix.Outcome(False, failures[platform.key, python])
        return support_matrix.Outcome(True, installs={"numpy": "2.4.6"})

    resolve.calls = calls
    return resolve


def test_the_matrix_resolves_each_combination_once_with_its_own_requirements():
    resolver = fake_resolver({})
    matrix = support_matrix.build_matrix(resolver, BASE)
    assert len(resolver.calls) == len(PLATFORMS) * len(support_matrix.PYTHONS)
    by_key = {(key, python): requirements for key, python, requirements in resolver.calls}
    assert "jax==0.4.38" in by_key["macos-x86_64", "3.12"]
    assert "tensorflow-cpu==2.21.0" in by_key["linux-x86_64", "3.12"]
    assert matrix.backends["macos-x86_64"] == "jax 0.4.38"
    assert matrix.broken_promises() == []


def test_the_table_says_supported_or_why_not():
    failures = {(key, "3.10"): "numpy==2.4.6 needs Python >=3.11" for key in PLATFORMS}
    matrix = support_matrix.build_matrix(fake_resolver(failures), BASE, pythons=("3.10", "3.11", "3.12", "3.13"))
    table = matrix.markdown().splitlines()
    assert table[0] == "| Platform | Keras backend | Python 3.10 | Python 3.11 | Python 3.12 | Python 3.13 |"
    assert table[1] == "| --- | --- | --- | --- | --- | --- |"
    assert table[2] == ("| Linux x86_64, glibc 2.28+ | tensorflow-cpu 2.21.0 | no: numpy==2.4.6 needs Python >=3.11 | "
                        "supported | supported | supported |")
    assert any(row.startswith("| macOS Intel (x86_64), macOS 11+ | JAX (jax 0.4.38) |") for row in table)
    assert len(table) == 2 + len(PLATFORMS)
    assert matrix.broken_promises() == []


def test_a_combination_that_resolves_but_is_not_promised_says_so():
    matrix = support_matrix.build_matrix(fake_resolver({}), BASE, platforms=(PLATFORMS["windows-x86_64"],),
                                         pythons=("3.10", "3.11"))
    assert "| Windows x86_64 | tensorflow 2.21.0 | resolves (not supported) | supported |" in matrix.markdown()


def test_main_writes_the_table_and_fails_on_a_broken_promise(tmp_path, capsys):
    output = tmp_path / "docs" / "support-matrix.md"
    failures = {("macos-x86_64", "3.12"): "no jaxlib==0.4.38 wheel for this platform and Python"}
    code = support_matrix.main(["--output", str(output), "--python", "3.11", "--python", "3.12"],
                               resolver=fake_resolver(failures))
    assert code == 1
    captured = capsys.readouterr()
    assert "**FAILS** (promised): no jaxlib==0.4.38 wheel" in captured.out
    assert ("Supported but does not resolve: macOS Intel (x86_64), Python 3.12: no jaxlib==0.4.38 wheel"
            in captured.err)
    text = output.read_text()
    assert text.startswith("# Support matrix\n") and "`requirements/base.txt`" in text
    assert "| Python 3.11 | Python 3.12 |" in text


def test_main_passes_when_only_unpromised_combinations_fail(tmp_path, capsys):
    failures = {(key, "3.10"): "numpy==2.4.6 needs Python >=3.11" for key in PLATFORMS}
    code = support_matrix.main(["--no-write", "--output", str(tmp_path / "m.md"), "--platform", "linux-x86_64"],
                               resolver=fake_resolver(failures))
    assert code == 0
    assert not (tmp_path / "m.md").exists()
    assert "| Linux x86_64, glibc 2.28+ |" in capsys.readouterr().out


def test_a_partial_run_leaves_the_committed_table_alone(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(support_matrix, "OUTPUT", tmp_path / "support-matrix.md")
    assert support_matrix.main(["--python", "3.12"], resolver=fake_resolver({})) == 0
    assert not (tmp_path / "support-matrix.md").exists()
    assert "left as it is" in capsys.readouterr().err
    assert support_matrix.main([], resolver=fake_resolver({})) == 0
    assert (tmp_path / "support-matrix.md").is_file()


def test_the_committed_table_is_the_scripts_output_for_a_run_where_every_promise_holds():
    """docs/support-matrix.md shows every promised combination as supported (regenerate: make support-matrix)."""
    text = (REPO / "docs" / "support-matrix.md").read_text()
    header = "| Platform | Keras backend | " + " | ".join(f"Python {v}" for v in support_matrix.PYTHONS) + " |"
    assert header in text
    assert "FAILS" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ")][2:]  # after the header and the rule
    assert len(rows) == len(PLATFORMS)
    for row, platform in zip(rows, support_matrix.PLATFORMS):
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[0].startswith(platform.label)
        for python, cell in zip(support_matrix.PYTHONS, cells[2:]):
            assert (cell == "supported") == (python in support_matrix.SUPPORTED[platform.key]), (platform.key, python)

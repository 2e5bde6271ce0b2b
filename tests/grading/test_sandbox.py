"""The grading sandbox: its command line, its refusals, its opt-out, and hostile submissions.

The hostile submissions (``hostile_sandbox.py``) are graded in assignment 1 of the shared
graded course (``course.py``), sandboxed as ``make autograde`` always is; the tests here
read back what each one saw and left behind. The opt-out (``SANDBOX=off``) is graded once
more, on its own tiny course.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from course_grading import sandbox, sandbox_kernel
from course_grading.notebooks import nbgrader_meta
from course_grading.release import HIDDEN_BLOCK
from course_grading.report import QuestionResult, format_report
from course_grading.sandbox import (
    OPT_OUT_NOTE,
    SandboxedExecute,
    SandboxKernelManager,
    SandboxUnavailable,
    report_notes,
    require_sandbox,
    sandbox_enabled,
)
from course_grading.sandbox_kernel import bwrap_command, folder_contents, read_only_paths, sandbox_environment
from tests.grading import hostile_sandbox
from tests.grading.course import ASSIGNMENTS, COURSE, REPO, make, report_rows, solution_code
from tests.grading.hostile_sandbox import CANARY, FORGED_SCORE, LISTENER, SUBMISSIONS, WRITER_FILE

pytestmark = pytest.mark.grader
INSTALL_HINTS = ("make bubblewrap", "apt-get install bubblewrap", "SANDBOX=off")


@pytest.fixture
def no_bwrap(monkeypatch):
    """As on a machine without bubblewrap."""
    monkeypatch.setenv(sandbox_kernel.BWRAP_ENV, "/nonexistent/bwrap")
    monkeypatch.delenv(sandbox.SANDBOX_ENV, raising=False)


# --- The sandbox's command line ------------------------------------------------------------------


def _command(**overrides):
    arguments = dict(bwrap="/usr/bin/bwrap", workdir="/course/autograded/ada/a1", runtime_dir="/tmp/rt",
                     read_only=["/venv", "/repo/course_lib"], dirs=["data"], copied=["data/x.csv"],
                     bound=["big.npz"], env={"HOME": "/tmp/home"}, file_fds={"data/x.csv": 7},
                     data_fds={"/etc/passwd": 8})
    arguments.update(overrides)
    return bwrap_command(["python", "-m", "ipykernel_launcher", "-f", "/tmp/rt/kernel.json"], **arguments)


def _pairs(command, option):
    return [tuple(command[i + 1:i + 3]) for i, arg in enumerate(command) if arg == option]


def test_bwrap_command_isolates_the_kernel():
    command = _command()
    sandboxed = command[command.index("--") + 1:]
    options = command[:command.index("--")]
    assert command[0] == "/usr/bin/bwrap"
    assert sandboxed == ["python", "-m", "ipykernel_launcher", "-f", "/tmp/rt/kernel.json"]
    for flag in ("--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv",
                 "--disable-userns"):
        assert flag in options, flag
    assert "--share-net" not in options  # --unshare-all includes the network namespace
    # Writable: only the kernel's own connection folder (Jupyter's sockets) is a host folder.
    assert _pairs(command, "--bind") == [("/tmp/rt", "/tmp/rt")]
    assert {"/venv", "/repo/course_lib"} <= {src for src, _ in _pairs(command, "--ro-bind")}
    assert not any(src.startswith("/course") and src != "/course/autograded/ada/a1/big.npz"
                   for src, _ in _pairs(command, "--ro-bind"))
    # The notebook's folder is a fresh in-memory file system, at the same path, with the copies.
    assert options.index("/course/autograded/ada/a1") < options.index("/course/autograded/ada/a1/data/x.csv")
    assert ("7", "/course/autograded/ada/a1/data/x.csv") in _pairs(command, "--file")
    assert ("8", "/etc/passwd") in _pairs(command, "--ro-bind-data")
    assert options[options.index("--chdir") + 1] == "/course/autograded/ada/a1"
    assert _pairs(command, "--setenv") == [("HOME", "/tmp/home")]
    # /tmp is a private tmpfs mounted before the folders that live under it, with a size.
    tmpfs = [command[i + 1] for i, arg in enumerate(command) if arg == "--tmpfs"]
    assert tmpfs == ["/dev/shm", "/tmp", "/course/autograded/ada/a1"]
    assert options.count("--size") == 3
    assert options.index("--remount-ro") > options.index("--bind")


def test_bwrap_command_without_the_newer_options():
    """bwrap before 0.8 (Ubuntu 22.04 has 0.6): no --size, no --disable-userns, still a sandbox."""
    options = _command(options=frozenset())
    assert "--size" not in options and "--disable-userns" not in options and "--unshare-all" in options


def test_read_only_paths_are_python_and_the_course_library_only():
    paths = read_only_paths()
    assert os.path.realpath(sys.prefix) in paths or sys.prefix in paths
    assert str(REPO / "course_lib") in paths
    for hidden in (REPO, REPO / "assignments", Path.home()):
        assert str(hidden) not in paths, hidden


def test_folder_contents_leave_out_notebooks_and_links(tmp_path):
    (tmp_path / "a1_tensors.ipynb").write_text("{}")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("1,2")
    (tmp_path / "data" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "data" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / "big.bin").write_bytes(b"0" * 2048)
    (tmp_path / "secrets").symlink_to("/etc")
    (tmp_path / "shadow").symlink_to("/etc/shadow")
    dirs, copied, bound = folder_contents(str(tmp_path), copy_max_bytes=1024)
    assert dirs == ["data", "data/.ipynb_checkpoints"]
    assert copied == ["data/x.csv"] and bound == ["big.bin"]


def test_sandbox_environment_passes_only_what_kernels_need():
    env = sandbox_environment({"AWS_SECRET_ACCESS_KEY": "x", "GITHUB_TOKEN": "y", "TF_CPP_MIN_LOG_LEVEL": "3",
                               "LANG": "en_GB.UTF-8", "JPY_PARENT_PID": "4321", "NBGRADER_EXECUTION": "autograde",
                               "COURSE_MNIST_PATH": "/home/prof/mnist.npz", "HOME": "/home/prof"},
                              "/venv/bin/python")
    assert "AWS_SECRET_ACCESS_KEY" not in env and "GITHUB_TOKEN" not in env and "COURSE_MNIST_PATH" not in env
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3" and env["LANG"] == "en_GB.UTF-8"
    assert env["NBGRADER_EXECUTION"] == "autograde"
    assert env["HOME"] == sandbox_kernel.SANDBOX_HOME and env["PATH"].startswith("/venv/bin:")
    assert env["JPY_PARENT_PID"] == "1"


def test_kernel_manager_uses_the_grading_kernel_spec_over_unix_sockets():
    config = Config()
    config.SandboxKernelManager.memory_mb = 1234
    manager = SandboxKernelManager(kernel_name="python3", config=config)
    try:
        spec = manager.kernel_spec
        assert spec.argv[1:] == ["-I", "-m", "course_grading.sandbox_kernel", "-f", "{connection_file}"]
        assert spec.interrupt_mode == "message"
        assert spec.env["COURSE_GRADING_MEMORY_MB"] == "1234" and spec.env["COURSE_GRADING_CPU_S"] == "600"
        assert manager.transport == "ipc"
        runtime = Path(manager.connection_file).parent
        assert runtime.name.startswith(sandbox_kernel.RUNTIME_PREFIX) and list(runtime.iterdir()) == []
        assert manager.ip == str(runtime / "kernel-ipc")
    finally:
        shutil.rmtree(manager.runtime_dir, ignore_errors=True)


def test_limits_come_from_the_kernel_spec_environment():
    limits = sandbox_kernel.Limits.from_environ({"COURSE_GRADING_MEMORY_MB": "512", "COURSE_GRADING_CPU_S": ""})
    assert limits.memory_mb == 512 and limits.cpu_s == sandbox_kernel.LIMITS.cpu_s


def test_the_nbgrader_config_executes_in_the_sandbox():
    text = (COURSE / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "SandboxedExecute" in text.split("c.Autograde.autograde_preprocessors")[1]
    assert " Execute," not in text.split("c.Autograde.autograde_preprocessors")[1]


# --- Refusals and the opt-out ------------------------------------------------------------------------


def test_grading_refuses_without_bwrap_and_says_how_to_install_it(no_bwrap, tmp_path, capsys):
    with pytest.raises(SandboxUnavailable) as refused:
        require_sandbox()
    assert all(hint in str(refused.value) for hint in INSTALL_HINTS)
    with pytest.raises(SandboxUnavailable):
        SandboxedExecute()  # nbgrader's Execute step refuses too: nothing runs unconfined
    runtime = tmp_path / f"{sandbox_kernel.RUNTIME_PREFIX}x"
    runtime.mkdir()
    assert sandbox_kernel.main(["-f", str(runtime / "kernel.json")]) == 1  # and so does the kernel launcher
    assert "make bubblewrap" in capsys.readouterr().err


def test_make_autograde_refuses_without_bwrap(no_bwrap, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE / "source" / "a1_tensors", course / "source" / "a1_tensors")
    shutil.copy(COURSE / "nbgrader_config.py", course)
    result = make("autograde", f"COURSE={course}", "ASSIGNMENT=a1_tensors", check=False)
    assert result.returncode != 0
    assert all(hint in result.stderr for hint in INSTALL_HINTS), result.stderr
    assert not (course / "gradebook.db").exists()  # refused before nbgrader started


def test_launcher_refuses_a_shared_connection_folder(tmp_path, capsys):
    assert sandbox_kernel.main(["-f", str(tmp_path / "kernel.json")]) == 2
    assert "refusing to share" in capsys.readouterr().err


def test_opt_out_is_explicit_and_recorded_for_the_report(monkeypatch, tmp_path, capsys):
    assert sandbox_enabled({}) and sandbox_enabled({"COURSE_GRADING_SANDBOX": "on"})
    assert not sandbox_enabled({"COURSE_GRADING_SANDBOX": "off"})
    with pytest.raises(ValueError, match="use on"):
        sandbox_enabled({"COURSE_GRADING_SANDBOX": "of"})
    monkeypatch.setenv("COURSE_GRADING_SANDBOX", "off")
    assert SandboxedExecute().kernel_manager_class is not SandboxKernelManager
    assert sandbox.main(["check", "--course", str(tmp_path), "--assignment", "a1_tensors"]) == 0
    assert "WITHOUT the sandbox" in capsys.readouterr().err
    # A later report (without SANDBOX=off) still says so, until the assignment is graded sandboxed.
    assert report_notes(tmp_path, "a1_tensors", environ={}) == [OPT_OUT_NOTE]
    assert report_notes(tmp_path, "a2_tensor_operations", environ={}) == []
    report = format_report([QuestionResult("ada", "a1", "q1", 1, 1, "passed")], "a1_tensors",
                           notes=report_notes(tmp_path, "a1_tensors", environ={}))
    assert "graded WITHOUT the sandbox (SANDBOX=off)" in report.split("| student |")[0]
    sandbox.record_grading_mode(tmp_path, "a1_tensors", environ={})  # graded in the sandbox again
    assert report_notes(tmp_path, "a1_tensors", environ={}) == []
    monkeypatch.setenv("COURSE_GRADING_SANDBOX", "sometimes")
    assert sandbox.main(["check"]) == 2


@pytest.mark.slow
def test_opt_out_grades_and_the_report_says_so(tmp_path):
    """``make autograde SANDBOX=off`` grades as before, and its report says it was used."""
    root = tmp_path / "assignments"
    shutil.copytree(COURSE / "source" / "a1_tensors", root / "source" / "a1_tensors")
    shutil.copy(COURSE / "nbgrader_config.py", root)
    course_arg = f"COURSE={root}"
    make("student-versions", course_arg)
    source = nbformat.read(root / "source" / "a1_tensors" / "a1_tensors.ipynb", 4)
    learner = nbformat.read(root / "release" / "a1_tensors" / "a1_tensors.ipynb", 4)
    for cell in learner.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = solution_code(source, nbgrader_meta(cell)["grade_id"])
    (root / "downloaded" / "a1_tensors" / "archive").mkdir(parents=True)
    nbformat.write(learner, root / "downloaded" / "a1_tensors" / "archive" / "ada_a1_tensors.ipynb")
    make("collect", course_arg, "ASSIGNMENT=a1_tensors")
    run = make("autograde", course_arg, "ASSIGNMENT=a1_tensors", "SANDBOX=off")
    said = "graded WITHOUT the sandbox (SANDBOX=off)"
    assert said in run.stdout and said in (root / "reports" / "a1_tensors.md").read_text(encoding="utf-8")
    assert "grading WITHOUT the sandbox" in run.stderr  # said loudly before grading, too
    rows = report_rows(root, "a1_tensors")
    assert [row["score"] == row["max_score"] for row in rows.values()] == [True] * 4, rows


# --- Hostile submissions, graded in the shared course -------------------------------------------------


def _answer_output(root: Path, student: str) -> str:
    """The text the answer cell of question 1 printed when it was graded."""
    graded = nbformat.read(root / "autograded" / student / "a1_tensors" / "a1_tensors.ipynb", 4)
    for cell in graded.cells:
        if nbgrader_meta(cell).get("grade_id") == "q1_tensor_facts":
            return "".join(output.get("text", "") + output.get("evalue", "") for output in cell.outputs)
    raise KeyError("q1_tensor_facts")


def _reported(output: str, key: str):
    for line in output.splitlines():
        if line.startswith(f"{key}: "):
            return json.loads(line[len(key) + 2:])
    raise AssertionError(f"no {key} line in the graded output:\n{output}")


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda s: s.student)
def test_hostile_submission_graded_per_question(course, submission):
    rows = report_rows(course["root"], "a1_tensors")
    for question, points in submission.expected.items():
        assert float(rows[submission.student, question]["score"]) == points, rows[submission.student, question]
    assert "passed" in rows[submission.student, "q1_tensor_facts_tests"]["result"]


def test_self_grading_cannot_reach_the_gradebook(course):
    output = _answer_output(course["root"], "selfgrader")
    assert _reported(output, "GRADEBOOKS") == [] and _reported(output, "FORGED") == []
    with sqlite3.connect(course["root"] / "gradebook.db") as db:
        forged = db.execute("SELECT count(*) FROM grade WHERE manual_score = ?", (FORGED_SCORE,)).fetchone()[0]
    assert forged == 0
    rows = report_rows(course["root"], "a1_tensors")
    assert rows["solution", "q2_centre_crop_tests"]["score"] == "2"  # other learners' grades are untouched


def test_exfiltration_finds_no_hidden_tests_and_no_home(course):
    output = _answer_output(course["root"], "exfiltrator")
    assert _reported(output, "NOTEBOOKS") == []
    hidden = {line.strip() for assignment in ASSIGNMENTS
              for cell in nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", 4).cells
              for block in HIDDEN_BLOCK.findall(cell.source) for line in block.splitlines() if len(line.strip()) > 12}
    assert hidden and not [line for line in hidden if line in output]
    # The instructor's home shows, at most, the folders leading to this Python (e.g. ~/.pyenv).
    home = Path.home()
    needed = {Path(p).relative_to(home).parts[0] for p in read_only_paths() if Path(p).is_relative_to(home)}
    for listing in _reported(output, "HOMES").values():
        assert set(listing or []) <= needed, listing


def _canary_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and CANARY.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def test_no_process_outlives_its_notebook(course):
    assert len(_reported(_answer_output(course["root"], "forker"), "STARTED")) == 1  # they did start
    survivors = _canary_processes()
    for pid in survivors:  # clean up after a failure: these are the test's own submission's processes
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_writes_stay_inside_the_private_copy(course):
    root = course["root"]
    assert _reported(_answer_output(root, "writer"), "WRITTEN")  # it could write: to its own copies
    outside = [root / WRITER_FILE, root / "autograded" / "solution" / "a1_tensors" / WRITER_FILE,
               root / "autograded" / "writer" / "a1_tensors" / "written-in-own-folder.txt",
               Path("/tmp") / WRITER_FILE, Path.home() / WRITER_FILE, REPO / WRITER_FILE,
               REPO / "course_lib" / WRITER_FILE]
    found = [path for path in outside if path.exists()]
    for path in found:  # clean up after a failure
        path.unlink()
    assert found == []
    assert not list((root / "autograded" / "writer").rglob("*.txt"))


def test_network_is_out_of_reach(course):
    output = _answer_output(course["root"], "networker")
    assert _reported(output, "REACHED") == []
    assert LISTENER.connections == 0
    assert hostile_sandbox.LISTENER is LISTENER  # the server the graded submission was given

"""Autograding in a sandbox: every learner's kernel runs under bubblewrap.

nbgrader runs a learner's code as the grading user, in the course folder: unconfined, it
could read ``source/`` (every hidden test), rewrite ``gradebook.db`` (its own grades, and
others'), leave processes running and write anywhere the grader can. So
``assignments/nbgrader_config.py`` executes notebooks with :class:`SandboxedExecute`,
nbgrader's ``Execute`` step with one change: each notebook's kernel is started by
:class:`SandboxKernelManager`, through a kernel spec used only for grading
(:func:`sandbox_kernel_spec`), which runs ipykernel inside bubblewrap (``bwrap``, a small,
well-kept tool that Flatpak builds on) with :mod:`course_grading.sandbox_kernel`: what the
sandbox shows, hides and limits is described there. The kernel talks to nbgrader over
Unix sockets (jupyter_client's ``ipc`` transport) in a folder made for that kernel alone,
since the sandbox has no network.

Grading refuses to start when bwrap is missing or cannot make a sandbox here
(:func:`require_sandbox`, ``python -m course_grading.sandbox check``, which ``make autograde``
runs first), with a message saying how to install it. ``SANDBOX=off`` (the environment
variable :data:`SANDBOX_ENV` ``=off``) grades without it, for instructors grading inside a
throwaway machine; the report then says so (:func:`report_notes`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Integer

from course_grading.sandbox_kernel import (
    LIMIT_ENV,
    LIMITS,
    MISSING_MESSAGE,
    RUNTIME_PREFIX,
    bwrap_command,
    bwrap_options,
    find_bwrap,
)

#: The environment variable that switches the sandbox off (``off``); ``make autograde
#: SANDBOX=off`` sets it.
SANDBOX_ENV = "COURSE_GRADING_SANDBOX"
KERNEL_NAME = "course-grading-sandbox"
#: What the report says when the sandbox was switched off.
OPT_OUT_NOTE = ("**This assignment was graded WITHOUT the sandbox (SANDBOX=off)**: learners' code ran with "
                "the grading user's rights and could have read the hidden tests, changed the gradebook or "
                "left processes running. Trust these grades only if this machine was a throwaway one.")


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot make a sandbox on this machine; the message says what to do."""


def sandbox_enabled(environ=None) -> bool:
    """Whether grading uses the sandbox: yes unless ``COURSE_GRADING_SANDBOX`` is ``off``."""
    value = (os.environ if environ is None else environ).get(SANDBOX_ENV, "on").strip().lower()
    if value in ("", "on", "1", "yes", "true"):
        return True
    if value in ("off", "0", "no", "false"):
        return False
    raise ValueError(f"{SANDBOX_ENV}={value!r}: use on (the default) or off (SANDBOX=off).")


_working: set[str] = set()  # the bwraps that made a sandbox in this process


def require_sandbox(environ=None) -> str:
    """Return the bwrap that works here, or raise :class:`SandboxUnavailable` saying how to get one.

    Makes one throwaway sandbox, with the options grading uses, and runs ``true`` in it;
    the answer is kept for the rest of the process.
    """
    bwrap = find_bwrap(environ)
    if bwrap is None:
        raise SandboxUnavailable(MISSING_MESSAGE.format(why="which is not installed here"))
    if bwrap in _working:
        return bwrap
    with tempfile.TemporaryDirectory(prefix=RUNTIME_PREFIX) as runtime, \
            tempfile.TemporaryDirectory(prefix="course-grading-check-") as workdir:
        command = bwrap_command(["true"], bwrap=bwrap, workdir=workdir, runtime_dir=runtime, read_only=[],
                                env={"PATH": "/usr/bin:/bin"}, options=bwrap_options(bwrap))
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)  # noqa: S603 - our own command
        except (OSError, subprocess.SubprocessError) as error:
            done = subprocess.CompletedProcess(command, 1, "", str(error))
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise SandboxUnavailable(MISSING_MESSAGE.format(
            why=f"but {bwrap} cannot make a sandbox on this machine ({why}); it needs user namespaces "
                "(on Ubuntu 24.04 and later, an AppArmor profile for bwrap, which its package installs)"))
    _working.add(bwrap)
    return bwrap


def sandbox_kernel_spec(limits: dict | None = None) -> KernelSpec:
    """The kernel spec used only for grading: ipykernel started by :mod:`course_grading.sandbox_kernel`.

    ``limits`` (field of :class:`~course_grading.sandbox_kernel.Limits` -> value) reach the
    launcher as environment variables. ``python -I`` keeps the notebook's folder (the
    learner's files) off the launcher's import path. Interrupts (a cell over its time
    limit) go as a message: a signal to the launcher's process group would not reach the
    kernel, which has a session of its own.
    """
    env = {LIMIT_ENV[field]: str(value) for field, value in (limits or {}).items()}
    return KernelSpec(argv=[sys.executable, "-I", "-m", "course_grading.sandbox_kernel", "-f", "{connection_file}"],
                      display_name="Python 3 (grading sandbox)", language="python", interrupt_mode="message",
                      metadata={"debugger": False}, env=env, resource_dir="")


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager for one sandboxed kernel, whatever kernel the notebook names.

    Its connection file and sockets live in a folder of their own (the only host folder
    the sandbox may write to), removed when the kernel's resources are cleaned up. The
    limits are set in ``nbgrader_config.py``, e.g. ``c.SandboxKernelManager.memory_mb = 4096``.
    """

    memory_mb = Integer(LIMITS.memory_mb, config=True,
                        help="Address space of each process in the sandbox, in MiB (RLIMIT_AS).")
    cpu_s = Integer(LIMITS.cpu_s, config=True,
                    help="Processor time of each process in the sandbox, in seconds (RLIMIT_CPU).")
    file_size_mb = Integer(LIMITS.file_size_mb, config=True,
                           help="Largest file a process in the sandbox may write, in MiB (RLIMIT_FSIZE).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.runtime_dir = tempfile.mkdtemp(prefix=RUNTIME_PREFIX)
        self.transport = "ipc"
        self.connection_file = os.path.join(self.runtime_dir, "kernel.json")
        self.ip = os.path.join(self.runtime_dir, "kernel-ipc")
        self.cache_ports = False

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = sandbox_kernel_spec({field: getattr(self, field) for field in LIMIT_ENV})
        return self._kernel_spec

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` step, each notebook's kernel in the sandbox (unless ``SANDBOX=off``).

    Refuses (:class:`SandboxUnavailable`) when the sandbox cannot be made: no learner
    code ever runs unconfined by accident.
    """

    def __init__(self, *args, **kwargs):
        if sandbox_enabled():
            require_sandbox()
            kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
            kwargs.setdefault("kernel_name", KERNEL_NAME)
        super().__init__(*args, **kwargs)


def _marker(course, assignment: str) -> Path:
    return Path(course) / "reports" / f".{assignment}.unsandboxed"


def record_grading_mode(course, assignment: str, environ=None) -> None:
    """Remember (in ``reports/``) whether the assignment's last grading used the sandbox."""
    marker = _marker(course, assignment)
    if sandbox_enabled(environ):
        marker.unlink(missing_ok=True)
    else:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("graded with SANDBOX=off\n", encoding="utf-8")


def report_notes(course, assignment: str, environ=None) -> list[str]:
    """Lines the report puts first: the opt-out, when this grading or the last one used it."""
    if not sandbox_enabled(environ) or _marker(course, assignment).exists():
        return [OPT_OUT_NOTE]
    return []


def main(argv=None) -> int:
    """``python -m course_grading.sandbox check [--course C --assignment A]``: can grading start?

    Exits 0 when the sandbox works (or ``SANDBOX=off``, which it records for the report,
    loudly), 2 with the way to install bwrap otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m course_grading.sandbox",
                                     description="Check that autograding can run learners' code in its sandbox.")
    parser.add_argument("command", choices=["check"])
    parser.add_argument("--course", help="the course folder, to record the grading mode for the report")
    parser.add_argument("--assignment", help="the assignment about to be graded")
    args = parser.parse_args(argv)
    try:
        enabled = sandbox_enabled()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.course and args.assignment:
        record_grading_mode(args.course, args.assignment)
    if not enabled:
        print("WARNING: grading WITHOUT the sandbox (SANDBOX=off): learners' code runs with your rights. "
              "Do this only inside a throwaway machine; the report will say so.", file=sys.stderr)
        return 0
    try:
        bwrap = require_sandbox()
    except SandboxUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Grading each submission in a sandbox ({bwrap}; limits in nbgrader_config.py).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

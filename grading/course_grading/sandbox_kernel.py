"""The grading kernel's launcher: ipykernel inside a bubblewrap sandbox.

The grading kernel spec (:func:`course_grading.sandbox.sandbox_kernel_spec`) starts this
module where a normal kernel spec starts ``ipykernel_launcher``::

    python -I -m course_grading.sandbox_kernel -f /tmp/course-grading-kernel-XXXX/kernel.json

It runs outside the sandbox, in the folder of the notebook being graded (nbgrader's
``autograded/<student>/<assignment>/``), imports nothing but the standard library, sets
the resource limits (:data:`LIMITS`) and replaces itself with ``bwrap`` running
``python -m ipykernel_launcher`` in a sandbox (:func:`bwrap_command`) that has:

- read-only: the system (``/usr`` and the few ``/etc`` files programs need), this Python
  and its virtual environment, and the course library (``course_lib``); nothing else of
  the host: no course folder (``source/``, ``gradebook.db``, other submissions), no home;
- writable: a private copy of the notebook's folder, *without* its notebooks (the
  autograded notebook holds the hidden tests), on a size-limited in-memory file system
  at the same path, so relative paths work; a private ``/tmp`` holding ``HOME``;
  and the kernel's own connection folder (Jupyter's sockets), deleted after the notebook;
- its own user (uid 65534), process, network (loopback only), IPC and host-name
  namespaces; a clean environment; no capabilities; every process it starts is killed
  when the kernel ends (the process namespace dies with it).
"""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use: per process, as ``setrlimit`` counts.

    The first three can be set in ``nbgrader_config.py`` (``c.SandboxKernelManager``),
    which hands them to this launcher in :data:`LIMIT_ENV` variables.
    """

    #: Address space (RLIMIT_AS). Assignment 4's kernel, with TensorFlow, peaks at about
    #: 2.1 GiB of it (most of it mapped, not used).
    memory_mb: int = 4096
    #: Processor time (RLIMIT_CPU), all threads together; each cell also has a wall-clock limit.
    cpu_s: int = 600
    #: Largest file it may write (RLIMIT_FSIZE).
    file_size_mb: int = 64
    #: Processes and threads it may add to the grading user's own (RLIMIT_NPROC; Linux
    #: does not apply this limit to root).
    extra_processes: int = 1024
    #: Size of each in-memory file system: /tmp (with HOME), /dev/shm, and the copy of the
    #: notebook's folder (which also gets the size of the files copied into it).
    tmpfs_mb: int = 256
    #: Files larger than this are made visible read-only instead of copied.
    copy_max_mb: int = 16

    @classmethod
    def from_environ(cls, environ) -> "Limits":
        """The defaults, with those named in ``environ`` (:data:`LIMIT_ENV`) instead."""
        given = {field: int(environ[name]) for field, name in LIMIT_ENV.items() if environ.get(name)}
        return cls(**given)


#: The environment variables that carry the configurable limits to the launcher.
LIMIT_ENV = {"memory_mb": "COURSE_GRADING_MEMORY_MB", "cpu_s": "COURSE_GRADING_CPU_S",
             "file_size_mb": "COURSE_GRADING_FILE_SIZE_MB"}
LIMITS = Limits()

#: The user the learner's code runs as inside the sandbox (``nobody``).
SANDBOX_UID = 65534
#: Paths inside the sandbox (its own in-memory file systems, not the host's).
SANDBOX_TMP, SANDBOX_SHM = "/tmp", "/dev/shm"  # noqa: S108 - the sandbox's own tmpfs mounts
SANDBOX_HOME = SANDBOX_TMP + "/home"
#: The name the connection folder of every sandboxed kernel starts with
#: (:class:`course_grading.sandbox.SandboxKernelManager` makes one per kernel).
RUNTIME_PREFIX = "course-grading-kernel-"
#: Environment variable naming the bwrap program (default: ``bwrap`` on PATH).
BWRAP_ENV = "COURSE_GRADING_BWRAP"

#: System folders, read-only (on merged-/usr systems the others are links into /usr).
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: The /etc files that programs and the dynamic linker read; not the rest of /etc.
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
             "/etc/nsswitch.conf", "/etc/host.conf", "/etc/hosts", "/etc/alternatives", "/etc/fonts",
             "/etc/mime.types", "/etc/ssl/certs", "/etc/ssl/openssl.cnf")
#: Packages whose folders the learner's code imports and that live outside the environment
#: (``course_lib`` is installed editable from the repository in a development checkout).
COURSE_PACKAGES = ("course_lib",)
#: Environment variables handed to the kernel; every other one is dropped (the grader's
#: environment may hold tokens).
PASSED_ENV = ("LANG", "LANGUAGE", "TZ", "NBGRADER_EXECUTION", "COURSE_OFFLINE", "MPLBACKEND",
              "PYDEVD_DISABLE_FILE_VALIDATION", "PYTHONHASHSEED", "PYTHONIOENCODING", "OMP_NUM_THREADS",
              "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "JPY_SESSION_NAME")
PASSED_PREFIXES = ("LC_", "TF_CPP_", "TF_ENABLE_", "KERAS_")

MISSING_MESSAGE = (
    "Autograding runs each submission in a sandbox made with bubblewrap (`bwrap`), {why}.\n"
    "Install it: `make bubblewrap` (Debian/Ubuntu: `sudo apt-get install bubblewrap`; "
    "Fedora: `sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`).\n"
    "Only if you grade inside a throwaway machine (a container or VM made for grading, with "
    "nothing else on it), grade without it: `make autograde ASSIGNMENT=<name> SANDBOX=off`."
)


def find_bwrap(environ=None) -> str | None:
    """The bwrap program to use: ``$COURSE_GRADING_BWRAP`` if set, else ``bwrap`` on PATH."""
    environ = os.environ if environ is None else environ
    named = environ.get(BWRAP_ENV)
    if named:
        return named if os.access(named, os.X_OK) and os.path.isfile(named) else None
    return shutil.which("bwrap", path=environ.get("PATH", os.defpath) + os.pathsep + "/usr/bin:/bin")


def bwrap_options(bwrap: str) -> set[str]:
    """The optional bwrap options this bwrap knows (``--size`` since 0.7, ``--disable-userns`` since 0.8)."""
    try:
        text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10).stdout  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return set()
    return {option for option in ("--size", "--disable-userns") if option in text}


def read_only_paths() -> list[str]:
    """Folders the kernel needs read-only beyond the system: this Python, its environment, course_lib."""
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(os.path.realpath(sys.executable)).parent.parent)]
    for name in COURSE_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            paths += list(spec.submodule_search_locations)
    return _outermost(p for p in paths if os.path.isdir(p))


def _outermost(paths) -> list[str]:
    """Real paths, without those inside another one of them, in a stable order."""
    unique = sorted({os.path.realpath(p) for p in paths} | {os.path.abspath(p) for p in paths})
    kept: list[str] = []
    for path in unique:
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def folder_contents(folder: str, copy_max_bytes: int = LIMITS.copy_max_mb * MiB):
    """What of the notebook's folder goes into the sandbox, as (sub-folders, copied files, bound files).

    Notebooks are left out (the autograded notebook holds the hidden tests), and so is
    anything that is not a plain file or folder (links included: a link could point
    anywhere on the host). Paths are relative to ``folder``.
    """
    dirs, copied, bound = [], [], []
    for root, subdirs, names in os.walk(folder):
        rel_root = os.path.relpath(root, folder)
        for name in list(subdirs):
            if os.path.islink(os.path.join(root, name)):
                subdirs.remove(name)
            else:
                dirs.append(os.path.normpath(os.path.join(rel_root, name)))
        for name in names:
            path = os.path.join(root, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or name.endswith(".ipynb"):
                continue
            rel = os.path.normpath(os.path.join(rel_root, name))
            (bound if info.st_size > copy_max_bytes else copied).append(rel)
    return sorted(dirs), sorted(copied), sorted(bound)


def sandbox_environment(environ, python: str) -> dict[str, str]:
    """The kernel's environment: the variables of :data:`PASSED_ENV` and a few set here."""
    env = {k: v for k, v in environ.items() if k in PASSED_ENV or k.startswith(PASSED_PREFIXES)}
    bin_dir = os.path.dirname(python)
    env.update(PATH=os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"]), HOME=SANDBOX_HOME,
               USER="learner", LOGNAME="learner", TMPDIR=SANDBOX_TMP, MPLCONFIGDIR=SANDBOX_HOME + "/.matplotlib",
               VIRTUAL_ENV=sys.prefix, PYTHONNOUSERSITE="1",
               # The kernel's parent is the sandbox's init (pid 1): ipykernel then neither watches
               # its parent (the sandbox dies with the launcher anyway) nor prints its console banner.
               JPY_PARENT_PID="1")
    env.setdefault("LANG", "C.UTF-8")
    return env


def bwrap_command(kernel_argv, *, bwrap: str, workdir: str, runtime_dir: str, read_only,
                  dirs=(), copied=(), bound=(), env=None, file_fds=None, data_fds=None,
                  options=frozenset({"--size", "--disable-userns"}), limits: Limits = LIMITS,
                  copied_bytes: int = 0) -> list[str]:
    """The bwrap command line that runs ``kernel_argv`` in the sandbox (see the module docstring).

    ``copied`` files (relative to ``workdir``) are copied in from the open descriptors
    ``file_fds[path]``; ``bound`` ones are made visible read-only; ``data_fds`` maps
    ``/etc/passwd`` and ``/etc/group`` to descriptors with their sandbox contents.
    """
    workdir, runtime_dir = os.path.abspath(workdir), os.path.abspath(runtime_dir)
    file_fds, data_fds = file_fds or {}, data_fds or {}

    def sized(nbytes):
        return ["--size", str(nbytes)] if "--size" in options else []

    tmpfs = limits.tmpfs_mb * MiB

    args = [bwrap,
            # Own namespaces: user, process, network (loopback only), IPC, host name, cgroup.
            "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            *(["--disable-userns"] if "--disable-userns" in options else []),
            "--hostname", "grading-sandbox",
            # Everything in the sandbox is killed with bwrap, which dies with the launcher's
            # parent (the grader); a new session keeps the grader's terminal out of reach.
            "--die-with-parent", "--new-session",
            "--clearenv"]
    for key, value in sorted((env or {}).items()):
        args += ["--setenv", key, value]
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in ETC_FILES:
        args += ["--ro-bind-try", path, path]
    for path, fd in sorted(data_fds.items()):
        args += ["--ro-bind-data", str(fd), path]
    for path in read_only:
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", *sized(tmpfs), "--tmpfs", SANDBOX_SHM,
             *sized(tmpfs), "--tmpfs", SANDBOX_TMP, "--dir", SANDBOX_HOME,
             *sized(tmpfs + copied_bytes), "--tmpfs", workdir]
    for rel in dirs:
        args += ["--dir", os.path.join(workdir, rel)]
    for rel in copied:
        args += ["--file", str(file_fds.get(rel, -1)), os.path.join(workdir, rel)]
    for rel in bound:
        args += ["--ro-bind", os.path.join(workdir, rel), os.path.join(workdir, rel)]
    args += ["--bind", runtime_dir, runtime_dir,
             # The sandbox's own root (the folders made above) becomes read-only too.
             "--remount-ro", "/",
             "--chdir", workdir, "--", *kernel_argv]
    return args


def set_limits(limits: Limits = LIMITS) -> None:
    """Apply :class:`Limits` to this process (bwrap and the kernel inherit them)."""
    for which, value in ((resource.RLIMIT_AS, limits.memory_mb * MiB), (resource.RLIMIT_CPU, limits.cpu_s),
                         (resource.RLIMIT_FSIZE, limits.file_size_mb * MiB), (resource.RLIMIT_CORE, 0)):
        _lower(which, value)
    _lower(resource.RLIMIT_NPROC, _own_processes() + limits.extra_processes)


def _lower(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def _own_processes() -> int:
    """How many processes and threads this user runs now (what RLIMIT_NPROC counts)."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                pass
    return count


def _data_fd(text: str) -> int:
    read, write = os.pipe()
    os.write(write, text.encode())  # a few bytes: fits in the pipe's buffer
    os.close(write)
    os.set_inheritable(read, True)
    return read


def main(argv=None) -> int:
    """Start the sandboxed kernel: ``-f CONNECTION_FILE [ipykernel options]``; never returns on success."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] != "-f":
        print("usage: python -I -m course_grading.sandbox_kernel -f CONNECTION_FILE [ipykernel options]",
              file=sys.stderr)
        return 2
    connection_file = os.path.abspath(argv[1])
    runtime_dir = os.path.dirname(connection_file)
    if not os.path.basename(runtime_dir).startswith(RUNTIME_PREFIX):
        print(f"course_grading.sandbox_kernel: refusing to share {runtime_dir} with the sandbox: "
              "its connection folder must be its own (course_grading.sandbox.SandboxKernelManager makes one).",
              file=sys.stderr)
        return 2
    bwrap = find_bwrap()
    if bwrap is None:
        print(MISSING_MESSAGE.format(why="which is not installed here"), file=sys.stderr)
        return 1
    limits = Limits.from_environ(os.environ)
    workdir = os.getcwd()
    dirs, copied, bound = folder_contents(workdir, limits.copy_max_mb * MiB)
    file_fds = {}
    for rel in copied:
        fd = os.open(os.path.join(workdir, rel), os.O_RDONLY | os.O_NOFOLLOW)
        os.set_inheritable(fd, True)
        file_fds[rel] = fd
    data_fds = {
        "/etc/passwd": _data_fd(f"learner:x:{SANDBOX_UID}:{SANDBOX_UID}:learner:{SANDBOX_HOME}:/bin/sh\n"),
        "/etc/group": _data_fd(f"learner:x:{SANDBOX_UID}:\n"),
    }
    copied_bytes = sum(os.fstat(fd).st_size for fd in file_fds.values())
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, *argv[2:]]
    command = bwrap_command(kernel, bwrap=bwrap, workdir=workdir, runtime_dir=runtime_dir,
                            read_only=read_only_paths(), dirs=dirs, copied=copied, bound=bound,
                            env=sandbox_environment(os.environ, sys.executable), file_fds=file_fds,
                            data_fds=data_fds, options=bwrap_options(bwrap), limits=limits,
                            copied_bytes=copied_bytes)
    set_limits(limits)
    os.execv(bwrap, command)  # noqa: S606 - become bwrap: the kernel's manager then watches the sandbox itself
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())

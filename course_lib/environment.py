"""One-call self-check of the learner's setup: versions, Keras backend, GPU, MNIST.

Run it in a notebook with ``print(check_environment())``, or from a shell with
``python -m course_lib.environment``.

The platform facts behind it (which Python versions and which Keras backend each kind of
machine gets) are the support matrix's: ``requirements/base.txt`` states them as environment
markers, ``tools/support_matrix.py`` checks them against the package index, and
:data:`PLATFORMS` and :data:`PYTHON_RANGE` say them to the learner.

Introduced in notebook 01.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata

from course_lib import backend, data

#: Packages whose versions the report shows, in this order.
REPORTED_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "keras")
#: Distribution names under which each Keras backend may be installed.
BACKEND_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
    "jax": ("jax",),
    "torch": ("torch",),
}


@dataclass(frozen=True)
class PlatformFacts:
    """What ``requirements/base.txt`` installs on one kind of machine (README's support matrix)."""

    system: str  #: ``platform.system()`` there
    machines: tuple  #: ``platform.machine()`` there (Windows says AMD64)
    name: str
    #: The Keras backend the course installs there, and its distribution.
    keras_backend: str = "tensorflow"
    backend_package: str = "tensorflow"
    #: Why the backend is not TensorFlow, when it is not.
    why: str = ""
    #: What then does not run there, and where to run it instead.
    limits: str = ""


#: One row per platform of the support matrix; a machine not listed here is not supported.
PLATFORMS = (
    PlatformFacts("Linux", ("x86_64", "amd64"), "Linux x86_64", backend_package="tensorflow-cpu"),
    PlatformFacts("Linux", ("aarch64", "arm64"), "Linux aarch64"),
    PlatformFacts("Darwin", ("arm64",), "macOS on Apple Silicon"),
    PlatformFacts("Darwin", ("x86_64",), "macOS on Intel", keras_backend="jax", backend_package="jax",
                  why="TensorFlow has no build for Intel Macs after 2.16 (which needs numpy<2)",
                  limits="Chapter 5's GradientTape cells and chapter 6 use TensorFlow itself: run those on "
                         "Colab or Binder."),
    PlatformFacts("Windows", ("AMD64", "x86_64"), "Windows x86_64"),
)
#: The oldest and the newest Python the course supports, and what stops the others.
PYTHON_RANGE = ((3, 11), (3, 13))
TOO_OLD = ("the course's numpy (2.4.6) needs Python 3.11 or newer (Ubuntu 22.04, whose python3 is 3.10: "
           "`sudo apt install python3.11 python3.11-venv`, then `make lab PYTHON=python3.11`)")
TOO_NEW = "TensorFlow 2.21 has no build for it yet (with Python 3.13 installed: `make lab PYTHON=python3.13`)"


def platform_facts(system: str, machine: str) -> PlatformFacts | None:
    """The support matrix's row for ``platform.system()`` and ``platform.machine()``, or ``None``."""
    for facts in PLATFORMS:
        if facts.system == system and machine.lower() in {m.lower() for m in facts.machines}:
            return facts
    return None


def python_fix(python: tuple) -> str | None:
    """What to do when Python ``(major, minor)`` is outside :data:`PYTHON_RANGE`, else ``None``."""
    oldest, newest = PYTHON_RANGE
    supported = "Python %d.%d to %d.%d" % (*oldest, *newest)
    version = "%d.%d" % tuple(python[:2])
    if tuple(python[:2]) < oldest:
        return f"use {supported}: this is Python {version}, and {TOO_OLD}."
    if tuple(python[:2]) > newest:
        return f"use {supported}: this is Python {version}, and {TOO_NEW}."
    return None


def backend_fix(facts: PlatformFacts | None, backend_name: str, backend_version: str | None) -> str | None:
    """The fix when Keras is set to a backend this platform cannot install (TensorFlow on an Intel Mac)."""
    if facts is None or not facts.why or backend_name == facts.keras_backend or backend_version is not None:
        return None
    backend = facts.keras_backend
    return (f"select Keras's {backend.upper()} backend: {facts.why}, so the course installs {facts.backend_package} "
            f"on {facts.name}. Run `export KERAS_BACKEND={backend}` before `make lab` or `jupyter lab` "
            "(or put it in your shell profile).")


def platform_hint(facts: PlatformFacts | None, system: str, machine: str, backend_name: str) -> str | None:
    """Advice about the platform: why its backend is not TensorFlow, or that it is not supported."""
    if facts is None:
        return (f"{system or 'This system'} on {machine or 'this processor'} is not in the course's support matrix "
                "(README): the pinned packages may not install here. Colab and Binder run every notebook.")
    if facts.why and backend_name == facts.keras_backend:
        return (f"Keras runs on {backend_name.upper()} here (KERAS_BACKEND={backend_name}): {facts.why}. "
                f"{facts.limits}").strip()
    return None


def package_version(*names: str) -> str | None:
    """Return the installed version of the first of ``names`` that is installed, without importing it."""
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


@dataclass
class EnvironmentReport:
    """What :func:`check_environment` found. ``str(report)`` is the short report."""

    python: str
    packages: dict = field(default_factory=dict)
    keras_backend: str = "tensorflow"
    backend_version: str | None = None
    gpus: list | None = None
    mnist: str = ""
    #: What must be fixed before the course runs, one sentence each (shown as "Fix: ...").
    fixes: list = field(default_factory=list)
    #: Advice that needs no fixing (e.g. how to get a GPU on Colab).
    hints: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """``True`` when nothing needs fixing (a missing GPU is fine: it only makes training slower)."""
        return not self.fixes

    def __str__(self) -> str:
        lines = ["Course environment", f"  Python      {self.python}"]
        for name, version in self.packages.items():
            lines.append(f"  {name:<11} {version or 'NOT INSTALLED'}")
        lines.append(f"  backend     {self.keras_backend} {self.backend_version or '(NOT INSTALLED)'}")
        if self.gpus is None:
            lines.append("  GPU         not checked")
        elif self.gpus:
            lines.append(f"  GPU         {', '.join(self.gpus)}")
        else:
            lines.append("  GPU         none visible: training runs on the CPU (fine for this course)")
        lines.append(f"  MNIST       {self.mnist}")
        lines += [f"  Fix: {fix}" for fix in self.fixes]
        lines += [f"  {hint}" for hint in self.hints]
        return "\n".join(lines)


def check_environment(check_gpu: bool = True) -> EnvironmentReport:
    """Check versions, the Keras backend, GPU visibility and MNIST; return a short report.

    Args:
        check_gpu: ask the Keras backend for GPUs. This imports the backend (a few
            seconds for TensorFlow); pass ``False`` in NumPy-only chapters.
    """
    packages = {name: package_version(name) for name in REPORTED_PACKAGES}
    backend_name = backend.keras_backend_name()
    backend_version = package_version(*BACKEND_DISTRIBUTIONS.get(backend_name, (backend_name,)))
    python = tuple(int(part) for part in platform.python_version_tuple()[:2])
    system, machine = platform.system(), platform.machine()
    facts = platform_facts(system, machine)
    report = EnvironmentReport(
        python="%d.%d" % python,
        packages=packages,
        keras_backend=backend_name,
        backend_version=backend_version,
    )
    fix = python_fix(python)
    if fix:
        report.fixes.append(fix)
    missing = [name for name, version in packages.items() if version is None]
    wrong_backend = backend_fix(facts, backend_name, backend_version)
    if wrong_backend:
        report.fixes.append(wrong_backend)
    elif backend_version is None:
        same = facts is not None and facts.keras_backend == backend_name
        missing.append(facts.backend_package if same else backend_name)
    if missing:
        report.fixes.append(f"install {', '.join(missing)} (`make lab`, or `pip install -r requirements/base.txt`).")
    hint = platform_hint(facts, system, machine, backend_name)
    if hint:
        report.hints.append(hint)
    if check_gpu and backend_version is not None:
        try:
            report.gpus = backend.visible_gpus()
        except Exception as error:  # noqa: BLE001 - a broken backend is reported, not raised
            report.gpus = []
            report.fixes.append(f"the {backend_name} backend failed to start ({type(error).__name__}: {error}).")
        hint = backend.gpu_hint(report.gpus)
        if hint:
            report.hints.append(hint)
    source = data.locate_mnist()
    report.mnist = source.describe()
    if not source.ok:
        report.fixes.append(source.fix)
    return report


def main() -> int:
    """Print the report; exit 1 if something needs fixing."""
    report = check_environment()
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""One-call self-check of the learner's setup: versions, Keras backend, GPU, MNIST.

Run it in a notebook with ``print(check_environment())``, or from a shell with
``python -m course_lib.environment``.

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
    report = EnvironmentReport(
        python=".".join(platform.python_version_tuple()[:2]),
        packages=packages,
        keras_backend=backend_name,
        backend_version=backend_version,
    )
    missing = [name for name, version in packages.items() if version is None]
    if backend_version is None:
        missing.append(backend_name)
    if missing:
        report.fixes.append(f"install {', '.join(missing)} (`make lab`, or `pip install -r requirements/base.txt`).")
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

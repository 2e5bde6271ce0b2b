"""The environment self-check: one call, one short report, with fixes when needed."""

import pytest

from course_lib import environment


def test_report_lists_versions_backend_gpu_and_mnist(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "visible_gpus", lambda: [])
    report = environment.check_environment()
    text = str(report)
    assert text.startswith("Course environment\n  Python      3.")
    for name in ("numpy", "matplotlib", "ipywidgets", "keras", "backend"):
        assert f"\n  {name}" in text
    assert "GPU         none visible: training runs on the CPU" in text
    assert "MNIST       local file mnist.npz from $COURSE_MNIST_PATH (SHA-256 verified)" in text
    assert report.ok


def test_gpu_names_and_colab_hint(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "visible_gpus", lambda: ["Tesla T4"])
    assert "GPU         Tesla T4" in str(environment.check_environment())
    monkeypatch.setattr(environment.backend, "visible_gpus", lambda: [])
    monkeypatch.setenv("COLAB_RELEASE_TAG", "x")
    text = str(environment.check_environment())
    assert "Change runtime type" in text


def test_gpu_check_can_be_skipped(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "visible_gpus", lambda: pytest.fail("must not ask for GPUs"))
    assert "GPU         not checked" in str(environment.check_environment(check_gpu=False))


def test_missing_packages_and_mnist_give_fixes(monkeypatch, isolated_mnist_env):
    real = environment.package_version
    monkeypatch.setattr(environment, "package_version", lambda *names: None if "keras" in names else real(*names))
    report = environment.check_environment(check_gpu=False)
    text = str(report)
    assert "keras       NOT INSTALLED" in text
    assert "Fix: install keras" in text
    assert "MNIST       NOT available" in text and "Fix:" in text.split("MNIST", 1)[1]
    assert not report.ok


def test_a_broken_backend_is_reported_not_raised(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))

    def broken():
        raise RuntimeError("CUDA driver version is insufficient")

    monkeypatch.setattr(environment.backend, "visible_gpus", broken)
    report = environment.check_environment()
    assert "failed to start (RuntimeError: CUDA driver version is insufficient)" in str(report)


def test_package_version_takes_the_first_installed():
    assert environment.package_version("surely-not-installed-xyz", "numpy") is not None
    assert environment.package_version("surely-not-installed-xyz") is None


def test_main_exit_code(monkeypatch, mnist_path, capsys):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "visible_gpus", lambda: [])
    assert environment.main() == 0
    assert "Course environment" in capsys.readouterr().out


# --- The support matrix's platform facts -------------------------------------------------------

def on_machine(monkeypatch, system, machine, python=("3", "11", "7")):
    """Make ``check_environment`` believe it runs on ``system``/``machine`` with Python ``python``."""
    monkeypatch.setattr(environment.platform, "system", lambda: system)
    monkeypatch.setattr(environment.platform, "machine", lambda: machine)
    monkeypatch.setattr(environment.platform, "python_version_tuple", lambda: python)


def without(monkeypatch, *distributions):
    """Make ``package_version`` report ``distributions`` as not installed."""
    real = environment.package_version
    monkeypatch.setattr(environment, "package_version",
                        lambda *names: None if set(names) & set(distributions) else real(*names))


@pytest.mark.parametrize(("system", "machine", "name", "backend", "package"), [
    ("Linux", "x86_64", "Linux x86_64", "tensorflow", "tensorflow-cpu"),
    ("Linux", "aarch64", "Linux aarch64", "tensorflow", "tensorflow"),
    ("Darwin", "arm64", "macOS on Apple Silicon", "tensorflow", "tensorflow"),
    ("Darwin", "x86_64", "macOS on Intel", "jax", "jax"),
    ("Windows", "AMD64", "Windows x86_64", "tensorflow", "tensorflow"),
])
def test_each_platform_has_its_facts(system, machine, name, backend, package):
    facts = environment.platform_facts(system, machine)
    assert (facts.name, facts.keras_backend, facts.backend_package) == (name, backend, package)
    assert bool(facts.why) == (backend != "tensorflow")


def test_a_platform_outside_the_matrix_has_no_facts():
    assert environment.platform_facts("Linux", "ppc64le") is None
    assert environment.platform_facts("Windows", "ARM64") is None


@pytest.mark.parametrize(("python", "fixed"), [((3, 10), True), ((3, 11), False), ((3, 12), False), ((3, 13), False),
                                               ((3, 14), True)])
def test_python_outside_3_11_to_3_13_needs_a_fix(python, fixed):
    fix = environment.python_fix(python)
    assert (fix is not None) == fixed
    if fixed:
        assert fix.startswith("use Python 3.11 to 3.13: this is Python 3.")


def test_python_3_10_is_told_to_use_3_11_to_3_13(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    on_machine(monkeypatch, "Linux", "x86_64", ("3", "10", "12"))
    report = environment.check_environment(check_gpu=False)
    assert report.python == "3.10"
    assert not report.ok
    assert len(report.fixes) == 1 and "numpy (2.4.6) needs Python 3.11 or newer" in report.fixes[0]
    assert "Fix: use Python 3.11 to 3.13: this is Python 3.10" in str(report)
    assert "PYTHON=python3.11" in str(report)


def test_intel_mac_with_the_default_backend_is_told_to_select_jax(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setattr(environment.backend, "keras_backend_name", lambda: "tensorflow")
    on_machine(monkeypatch, "Darwin", "x86_64")
    without(monkeypatch, "tensorflow")
    report = environment.check_environment(check_gpu=False)
    assert not report.ok
    assert len(report.fixes) == 1, report.fixes  # not also "install tensorflow": it cannot be installed there
    assert "TensorFlow has no build for Intel Macs after 2.16" in report.fixes[0]
    assert "export KERAS_BACKEND=jax" in report.fixes[0]
    assert "install tensorflow" not in str(report)


def test_intel_mac_on_jax_is_told_why_and_what_does_not_run(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "keras_backend_name", lambda: "jax")
    monkeypatch.setattr(environment, "package_version", lambda *names: "0.4.38" if "jax" in names else "1.0")
    on_machine(monkeypatch, "Darwin", "x86_64", ("3", "12", "1"))
    report = environment.check_environment(check_gpu=False)
    assert report.ok, report.fixes
    assert "backend     jax 0.4.38" in str(report)
    assert len(report.hints) == 1
    hint = report.hints[0]
    assert "KERAS_BACKEND=jax" in hint and "no build for Intel Macs after 2.16" in hint
    assert "chapter 6" in hint and "Colab or Binder" in hint


def test_intel_mac_without_jax_is_told_to_install_it(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "keras_backend_name", lambda: "jax")
    on_machine(monkeypatch, "Darwin", "x86_64")
    without(monkeypatch, "jax")
    report = environment.check_environment(check_gpu=False)
    assert "Fix: install jax (`make lab`" in str(report)


@pytest.mark.parametrize(("system", "machine", "package"), [("Linux", "x86_64", "tensorflow-cpu"),
                                                            ("Linux", "aarch64", "tensorflow"),
                                                            ("Windows", "AMD64", "tensorflow")])
def test_a_missing_tensorflow_names_the_platforms_package(monkeypatch, mnist_path, system, machine, package):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "keras_backend_name", lambda: "tensorflow")
    on_machine(monkeypatch, system, machine)
    without(monkeypatch, "tensorflow")
    report = environment.check_environment(check_gpu=False)
    assert report.fixes == [f"install {package} (`make lab`, or `pip install -r requirements/base.txt`)."]
    assert report.hints == []


@pytest.mark.parametrize(("system", "machine"), [("Linux", "x86_64"), ("Linux", "aarch64"), ("Darwin", "arm64"),
                                                 ("Windows", "AMD64")])
def test_supported_platforms_on_tensorflow_get_no_platform_advice(monkeypatch, mnist_path, system, machine):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment.backend, "keras_backend_name", lambda: "tensorflow")
    monkeypatch.setattr(environment, "package_version", lambda *names: "2.21.0")
    for python in (("3", "11", "0"), ("3", "13", "2")):
        on_machine(monkeypatch, system, machine, python)
        report = environment.check_environment(check_gpu=False)
        assert report.ok and report.hints == [], (report.fixes, report.hints)


def test_a_machine_outside_the_matrix_gets_a_hint_not_a_fix(monkeypatch, mnist_path):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    monkeypatch.setattr(environment, "package_version", lambda *names: "1.0")
    on_machine(monkeypatch, "Linux", "ppc64le")
    report = environment.check_environment(check_gpu=False)
    assert report.ok
    assert report.hints == ["Linux on ppc64le is not in the course's support matrix (README): the pinned packages "
                            "may not install here. Colab and Binder run every notebook."]

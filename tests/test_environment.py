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

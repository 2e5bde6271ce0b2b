"""The dashboard and its extra panels, without a browser: tabs, lazy building, failures
contained to their tab, the NumPy MNIST model, and no TensorFlow anywhere."""

import subprocess
import sys

import numpy as np
import pytest

from course_lib import dashboard, mnist_model
from course_lib.widgets import CompositionPanel, MnistExplorer


def test_tabs_titles_and_explanations():
    board = dashboard.build_dashboard()
    titles = [board.tabs.get_title(k) for k in range(len(dashboard.PANELS))]
    assert titles == ["Transform lab", "Composition & relu", "Uncrumpling", "Gradient descent", "Momentum",
                      "Graph stepper", "MNIST explorer", "Check yourself"]
    for container, (_, text, _) in zip(board.containers, dashboard.PANELS):
        assert len(text) > 150 and container.children[0].value.startswith("<p")  # one paragraph for the room


def test_only_the_first_panel_is_built_until_a_tab_is_opened():
    board = dashboard.build_dashboard()
    assert list(board.panels) == ["Transform lab"]
    board.tabs.selected_index = 5
    assert list(board.panels) == ["Transform lab", "Graph stepper"]
    assert board.containers[5].children[1] is board.panels["Graph stepper"].widget


def test_a_failing_panel_shows_a_message_in_its_tab_only(monkeypatch):
    def broken():
        raise RuntimeError("no data here")

    monkeypatch.setattr(dashboard, "PANELS", dashboard.PANELS[:1] + [("Broken", "x" * 200, broken)])
    board = dashboard.build_dashboard(eager=True)
    assert board.errors == {"Broken": "RuntimeError: no data here"}
    assert "This panel could not start: no data here" in board.containers[1].children[1].value
    assert "Transform lab" in board.panels


def test_every_panel_builds_and_the_summary_says_so(mnist_path, monkeypatch):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    board = dashboard.build_dashboard(eager=True)
    assert board.errors == {} and len(board.panels) == 8
    bundle = board._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Dashboard: 8 tabs (Transform lab")
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == board.widget.model_id


def test_the_dashboard_never_imports_tensorflow(mnist_path):
    code = ("import sys; from course_lib.dashboard import build_dashboard; build_dashboard(eager=True); "
            "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "COURSE_MNIST_PATH": str(mnist_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_numpy_model_matches_its_recorded_keras_accuracy(mnist_path):
    from course_lib.data import load_mnist

    _, (test_images, test_labels) = load_mnist(mnist_path)
    probabilities = mnist_model.predict_proba(test_images)
    assert probabilities.shape == (10000, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    accuracy = float((probabilities.argmax(axis=1) == test_labels).mean())
    assert accuracy > 0.95 and abs(accuracy - mnist_model.load_weights()["keras_test_accuracy"]) < 0.005
    assert mnist_model.predict_proba(test_images[0]).shape == (10,)


def test_missing_model_file_explains_how_to_rebuild_it(tmp_path):
    with pytest.raises(mnist_model.MnistModelError, match="tools/train_dashboard_model.py"):
        mnist_model.load_weights(str(tmp_path / "nope.npz"))


def test_composition_panel_collapses_until_relu_is_ticked():
    panel = CompositionPanel()
    assert panel.gap < 1e-9 and "they coincide" in panel.view.ax.get_title()
    picture = bytes(panel.view.image.value)
    panel.relu_between.value = True
    assert panel.gap > 0.1 and bytes(panel.view.image.value) != picture
    panel.angle.value = -90
    assert "W = W2 @ W1" in panel.text.value and panel.summary().startswith("CompositionPanel: with relu between")


def test_mnist_explorer_explains_bad_numbers_and_recovers():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, size=(20, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=20)
    panel = MnistExplorer(images, labels)
    assert panel.summary().startswith("MnistExplorer: test image #0")
    for garbage, message in (("x7", "is not a whole number"), ("", "is not a whole number"),
                             ("20", "no test image #20"), ("-3", "no test image #-3")):
        panel.index.value = garbage
        assert message in panel.error
    panel.index.value = " 5 "
    assert panel.error is None and panel.current == 5
    panel.random_button.click()
    assert 0 <= panel.current < 20


def test_mnist_explorer_without_mnist_says_how_to_get_it(isolated_mnist_env):
    panel = MnistExplorer()
    assert "does not download it" in panel.error and "make mnist" in panel.error
    assert panel.random_button.disabled and panel.summary().startswith("MnistExplorer: unavailable")
    panel.index.value = "3"  # still no crash
    assert panel.error

"""The MNIST explorer and its NumPy model: accuracy as recorded, clear messages for bad
numbers typed in, a missing dataset or a missing model file."""

import numpy as np
import pytest

from course_lib.panels import mnist
from course_lib.panels.mnist import MnistExplorer


def test_numpy_model_matches_its_recorded_keras_accuracy(mnist_path):
    from course_lib.data import load_mnist

    _, (test_images, test_labels) = load_mnist(mnist_path)
    probabilities = mnist.predict_proba(test_images)
    assert probabilities.shape == (10000, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    accuracy = float((probabilities.argmax(axis=1) == test_labels).mean())
    assert accuracy > 0.95 and abs(accuracy - mnist.load_weights()["keras_test_accuracy"]) < 0.005
    assert mnist.predict_proba(test_images[0]).shape == (10,)


def test_missing_model_file_explains_how_to_rebuild_it(tmp_path):
    with pytest.raises(mnist.MnistModelError, match="tools/train_dashboard_model.py"):
        mnist.load_weights(str(tmp_path / "nope.npz"))


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


@pytest.mark.parametrize("typed", ["--5", "\u00b2", "9" * 500, "\u0663", "1e3", " 3.0"])
def test_mnist_explorer_answers_odd_numbers_from_the_page_with_a_message(typed):
    rng = np.random.default_rng(1)
    panel = MnistExplorer(rng.integers(0, 255, size=(20, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=20))
    panel.index.set_state({"value": typed})  # what the kernel does with the page's update
    assert "is not a whole number; type a whole number from 0 to 19" in panel.error
    assert panel.current == 0 and len(panel.error) < 200
    panel.index.set_state({"value": "7"})
    assert panel.error is None and panel.current == 7


def test_mnist_explorer_refuses_text_too_long_to_read_and_a_number_for_text():
    rng = np.random.default_rng(1)
    panel = MnistExplorer(rng.integers(0, 255, size=(20, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=20))
    panel.index.set_state({"value": "1" * 100_000})
    assert panel.index.value == "0" and "got 100000 characters" in panel.error
    panel.index.set_state({"value": 5})
    assert panel.index.value == "0" and panel.error.startswith("test image # must be text")


def test_mnist_explorer_never_shows_the_servers_file_paths(monkeypatch, mnist_path):
    def broken(path=None):
        raise mnist.MnistModelError(f"The dashboard's MNIST model could not be read from {mnist.MODEL_FILE} (bad zip)")

    monkeypatch.setattr(mnist, "load_weights", broken)
    panel = MnistExplorer(np.zeros((2, 28, 28), dtype=np.uint8), np.zeros(2, dtype=int))
    assert "mnist_dense_64.npz is missing or damaged" in panel.error and "train_dashboard_model.py" in panel.error
    assert str(mnist.MODEL_FILE.parent) not in panel.error

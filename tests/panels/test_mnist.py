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

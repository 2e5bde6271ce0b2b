"""Training: the epoch logger during a real (tiny) Keras fit, and chapter 6's from-scratch pieces on
small synthetic data. Everything here needs TensorFlow."""

import numpy as np
import pytest

from course_lib import training as T
from course_lib.backend import import_keras
from course_lib.training import epoch_logger

pytestmark = pytest.mark.keras


def test_one_line_per_epoch():
    keras = import_keras()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    lines = []
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    logger = epoch_logger(print_fn=lines.append)
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[logger])
    assert len(lines) == 3 and len(logger.epoch_seconds) == 3
    assert lines[0].startswith("epoch 1/3  ")
    assert "loss " in lines[2] and "accuracy " in lines[2] and lines[2].endswith(" s)")


def test_fit_settings_speed_up_only_where_a_gpu_is():
    from course_lib.training import FAST_FIT_SETTINGS, fit_settings

    assert fit_settings(gpus=[]) == {}
    assert fit_settings(gpus=["NVIDIA H100"]) == FAST_FIT_SETTINGS == {"jit_compile": True, "steps_per_execution": 469}
    assert fit_settings(gpus=["x"]) is not FAST_FIT_SETTINGS  # a copy: callers may change it


@pytest.fixture(scope="module")
def tf():
    from course_lib.backend import import_tensorflow

    return import_tensorflow()


def small_model(tf, seed=0, sizes=(784, 512, 10)):
    from keras import ops

    import_keras().utils.set_random_seed(seed)
    return T.NaiveSequential([T.NaiveDense(sizes[0], sizes[1], ops.relu),
                              T.NaiveDense(sizes[1], sizes[2], ops.softmax)])


def synthetic(n=256, features=20, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, features)).astype("float32")
    y = (x[:, 0] > 0.5).astype("int64") + 2 * (x[:, 1] > 0.5).astype("int64")
    return x, y


def test_layers_shapes_and_weight_count(tf):
    model = small_model(tf)
    assert len(model.weights) == 4
    assert [tuple(w.shape) for w in model.weights] == [(784, 512), (512,), (512, 10), (10,)]
    out = model(tf.zeros((3, 784)))
    assert tuple(out.shape) == (3, 10)
    np.testing.assert_allclose(np.asarray(out).sum(axis=1), 1, rtol=1e-5)
    W = model.weights[0].numpy()
    assert -0.05 <= W.min() < 0 < W.max() <= 0.05 and not model.weights[1].numpy().any()  # Keras's "uniform"


def test_the_same_seed_gives_the_same_model_and_the_book_model_has_four_weights(tf):
    first, second = small_model(tf, seed=3), small_model(tf, seed=3)
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(first.weights, second.weights))
    assert not np.array_equal(small_model(tf, seed=4).weights[0].numpy(), first.weights[0].numpy())
    assert [tuple(w.shape) for w in T.mnist_model().weights] == [(784, 512), (512,), (512, 10), (10,)]


def test_a_layer_without_activation_is_affine_and_bad_activations_are_refused(tf):
    layer = T.NaiveDense(3, 2, activation=None)
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(np.asarray(layer(x)), x @ layer.W.numpy() + layer.b.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="activation must be a function"):
        T.NaiveDense(3, 2, activation="relu")


def test_starting_weights_are_uniform_kernels_and_zero_biases():
    weights = T.starting_weights((4, 3, 2), seed=1)
    assert [w.shape for w in weights] == [(4, 3), (3,), (3, 2), (2,)]
    assert all(w.dtype == np.float32 for w in weights)
    assert np.abs(weights[0]).max() <= 0.05 and not weights[1].any()
    assert np.array_equal(weights[2], T.starting_weights((4, 3, 2), seed=1)[2])


def test_wrong_input_width_is_explained(tf):
    with pytest.raises(ValueError, match="expects inputs with 784 features; got shape \\(2, 10\\)"):
        small_model(tf)(tf.zeros((2, 10)))


@pytest.mark.parametrize("n, batch_size, batches, last", [(60000, 128, 469, 96), (10, 3, 4, 1), (5, 5, 1, 5)])
def test_batch_generator_counts(n, batch_size, batches, last):
    gen = T.BatchGenerator(np.arange(n), np.arange(n), batch_size)
    assert gen.num_batches == batches
    for _ in range(batches - 1):
        gen.next()
    images, labels = gen.next()
    assert len(images) == len(labels) == last


def test_batch_generator_shuffles_images_and_labels_together():
    images, labels = np.arange(50) * 10, np.arange(50)
    gen = T.BatchGenerator(images, labels, 8, shuffle=True, seed=0)
    seen = [gen.next() for _ in range(gen.num_batches)]
    all_images = np.concatenate([b[0] for b in seen])
    all_labels = np.concatenate([b[1] for b in seen])
    assert sorted(all_labels) == list(range(50)) and not np.array_equal(all_labels, labels)
    assert np.array_equal(all_images, all_labels * 10)
    again = T.BatchGenerator(images, labels, 8, shuffle=True, seed=0).next()[1]
    assert np.array_equal(again, seen[0][1])


@pytest.mark.parametrize("kwargs, message", [(dict(batch_size=0), "at least 1"),
                                             (dict(batch_size=2.5), "whole number")])
def test_batch_generator_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        T.BatchGenerator(np.zeros(4), np.zeros(4), **kwargs)
    with pytest.raises(ValueError, match="got 4 images but 3 labels"):
        T.BatchGenerator(np.zeros(4), np.zeros(3))


def test_update_by_hand_is_w_minus_lr_times_g(tf):
    keras = import_keras()
    w = keras.Variable(np.array([1.0, -2.0, 3.0], "float32"))
    g = tf.constant([0.5, 0.5, -1.0])
    T.update_weights([g], [w], learning_rate=1e-3)
    np.testing.assert_allclose(w.numpy(), np.array([1.0, -2.0, 3.0]) - 1e-3 * np.array([0.5, 0.5, -1.0]), rtol=1e-6)
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        T.update_weights([g], [w], learning_rate=0)


def test_a_training_step_lowers_the_loss(tf):
    x, y = synthetic()
    model = small_model(tf, sizes=(20, 16, 4))
    first = float(T.one_training_step(model, x, y, lambda g, w: T.update_weights(g, w, learning_rate=0.1)))
    for _ in range(20):
        last = float(T.one_training_step(model, x, y, lambda g, w: T.update_weights(g, w, learning_rate=0.1)))
    assert last < first
    assert np.isclose(float(T.average_loss(model, x, y)), last, rtol=0.2)


def test_the_sgd_optimizer_moves_the_weights_exactly_as_the_update_by_hand(tf):
    keras = import_keras()
    x, y = synthetic()
    by_hand = T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=2, batch_size=64, print_every=0)
    sgd = T.optimizer_update(keras.optimizers.SGD(learning_rate=1e-3))
    with_sgd = T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=2, batch_size=64, update=sgd, print_every=0)
    np.testing.assert_allclose(by_hand, with_sgd, rtol=1e-6)


def test_eager_and_compiled_epochs_agree(tf):
    keras = import_keras()
    x, y = synthetic(n=200)  # 7 batches of 32, the last one of 8
    eager = T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=2, batch_size=32, print_every=0)
    compiled = T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=2, batch_size=32, print_every=0, compiled=True)
    assert len(eager) == len(compiled) == 14
    np.testing.assert_allclose(eager, compiled, rtol=1e-5)
    rms = [T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=1, batch_size=64, print_every=0, compiled=compiled,
                 update=T.optimizer_update(keras.optimizers.RMSprop(1e-2))) for compiled in (False, True)]
    np.testing.assert_allclose(rms[0], rms[1], rtol=1e-5)


def test_optimizer_update_and_fit_progress_lines(tf):
    keras = import_keras()
    x, y = synthetic()
    model = small_model(tf, sizes=(20, 16, 4))
    lines = []
    losses = T.fit(model, x, y, epochs=3, batch_size=64, update=T.optimizer_update(keras.optimizers.RMSprop(1e-2)),
                   print_every=2, print_fn=lines.append)
    assert len(losses) == 12 and losses[-1] < losses[0]
    assert lines[0] == f"epoch 1, batch   0: loss {losses[0]:.2f}" and len(lines) == 6
    compiled_lines = []
    T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=1, batch_size=64, compiled=True, print_every=2,
          print_fn=compiled_lines.append)
    assert [line[:16] for line in compiled_lines] == ["epoch 1, batch  ", "epoch 1, batch  "]


def test_evaluate_is_the_share_of_argmax_matches(tf):
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]], "float32")
    labels = np.array([0, 1, 1, 1])
    assert T.evaluate(lambda images: images, probabilities, labels, batch_size=3) == 0.75
    x, y = synthetic()
    model = small_model(tf, sizes=(20, 16, 4))
    expected = float(np.mean(np.asarray(model(x)).argmax(axis=1) == y))
    assert T.evaluate(model, x, y, batch_size=100) == pytest.approx(expected)
    with pytest.raises(ValueError, match="got 4 images but 3 labels"):
        T.evaluate(lambda images: images, probabilities, labels[:3])


def test_notebook_06_quotes_the_benchmarks_recorded_accuracy_and_speed():
    """Chapter 6 trains for fewer epochs and quotes the 10-epoch run of benchmarks/training_benchmark.py."""
    import json
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    result = json.loads((repo / "benchmarks" / "results" / "training.json").read_text())
    row = next(r for r in result["rows"] if r["name"].startswith("chapter 6 from-scratch loop"))
    cells = json.loads((repo / "notebooks" / "06_first_example_from_scratch.ipynb").read_text())["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert row["sgd_accuracy"]["epochs"] == 10 and row["sgd_accuracy"]["samples"] == 60000
    assert f"**{row['sgd_accuracy']['accuracy']:.4f}**" in text and "**0.83**" in text
    assert f"({row['ratio']}x faster, median of 5 runs" in text and row["max_loss_difference"] <= 1e-5
    assert row["ratio"] >= 3

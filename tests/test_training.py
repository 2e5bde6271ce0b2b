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
    tf.random.set_seed(seed)
    return T.NaiveSequential([T.NaiveDense(sizes[0], sizes[1], tf.nn.relu),
                              T.NaiveDense(sizes[1], sizes[2], tf.nn.softmax)])


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
    assert W.min() >= 0 and W.max() < 0.1 and not model.weights[1].numpy().any()


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


@pytest.mark.parametrize("kwargs, message", [(dict(batch_size=0), "at least 1"),
                                             (dict(batch_size=2.5), "whole number")])
def test_batch_generator_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        T.BatchGenerator(np.zeros(4), np.zeros(4), **kwargs)
    with pytest.raises(ValueError, match="got 4 images but 3 labels"):
        T.BatchGenerator(np.zeros(4), np.zeros(3))


def test_update_by_hand_is_w_minus_lr_times_g(tf):
    w = tf.Variable([1.0, -2.0, 3.0])
    g = tf.constant([0.5, 0.5, -1.0])
    T.update_weights([g], [w], learning_rate=1e-3)
    np.testing.assert_allclose(w.numpy(), np.array([1.0, -2.0, 3.0]) - 1e-3 * np.array([0.5, 0.5, -1.0]), rtol=1e-6)


def test_a_training_step_lowers_the_loss(tf):
    x, y = synthetic()
    model = small_model(tf, sizes=(20, 16, 4))
    first = float(T.one_training_step(model, x, y, lambda g, w: T.update_weights(g, w, learning_rate=0.1)))
    for _ in range(20):
        last = float(T.one_training_step(model, x, y, lambda g, w: T.update_weights(g, w, learning_rate=0.1)))
    assert last < first


def test_eager_and_compiled_steps_agree_for_sgd(tf):
    x, y = synthetic()
    eager = T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=2, batch_size=32, print_every=0)
    compiled = T.fit(small_model(tf, sizes=(20, 16, 4)), x, y, epochs=2, batch_size=32, print_every=0, compiled=True)
    np.testing.assert_allclose(eager, compiled, rtol=1e-5)


def test_optimizer_update_and_fit_progress_lines(tf):
    import keras

    x, y = synthetic()
    model = small_model(tf, sizes=(20, 16, 4))
    lines = []
    losses = T.fit(model, x, y, epochs=3, batch_size=64, update=T.optimizer_update(keras.optimizers.RMSprop(1e-2)),
                   print_every=2, print_fn=lines.append)
    assert len(losses) == 12 and losses[-1] < losses[0]
    assert lines[0] == f"epoch 1, batch   0: loss {losses[0]:.2f}" and len(lines) == 6
    assert 0.0 <= T.evaluate(model, x, y, batch_size=100) <= 1.0

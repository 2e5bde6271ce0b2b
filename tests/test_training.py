"""The epoch logger prints one short line per epoch during a real (tiny) Keras fit."""

import numpy as np
import pytest

from course_lib.backend import import_keras
from course_lib.training import epoch_logger


@pytest.mark.slow
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

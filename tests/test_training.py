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


def test_fit_settings_speed_up_only_where_a_gpu_is():
    from course_lib.training import FAST_FIT_SETTINGS, fit_settings

    assert fit_settings(gpus=[]) == {}
    assert fit_settings(gpus=["NVIDIA H100"]) == FAST_FIT_SETTINGS == {"jit_compile": True, "steps_per_execution": 469}
    assert fit_settings(gpus=["x"]) is not FAST_FIT_SETTINGS  # a copy: callers may change it

#!/usr/bin/env python3
"""Train the small MNIST model the dashboard's explorer uses, and save it as NumPy arrays.

Usage: python tools/train_dashboard_model.py   (needs Keras + MNIST: run `make mnist` first)

The dashboard must start fast and never import TensorFlow, so it does not load a Keras
model: it reads the two Dense layers' kernels and biases from an .npz file and predicts
with NumPy (`course_lib.panels.mnist`). This script trains that model (784 -> 64 -> 10,
relu then softmax, 3 epochs, seeded) and writes course_lib/panels/mnist_dense_64.npz
with float16 weights (about 100 kB) and the test accuracy it reached.
"""

from pathlib import Path

import numpy as np

from course_lib.backend import import_keras
from course_lib.data import load_mnist

OUT = Path(__file__).resolve().parents[1] / "course_lib" / "panels" / "mnist_dense_64.npz"


def main():
    keras = import_keras()
    keras.utils.set_random_seed(0)
    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    x_train = train_images.reshape((60000, 784)).astype("float32") / 255
    x_test = test_images.reshape((10000, 784)).astype("float32") / 255
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, train_labels, epochs=3, batch_size=128, verbose=2)
    _, accuracy = model.evaluate(x_test, test_labels, verbose=0)
    (w1, b1), (w2, b2) = (layer.get_weights() for layer in model.layers)
    np.savez_compressed(OUT, w1=w1.astype("float16"), b1=b1.astype("float16"), w2=w2.astype("float16"),
                        b2=b2.astype("float16"), keras_test_accuracy=np.float32(accuracy))
    print(f"saved {OUT} ({OUT.stat().st_size / 1000:.0f} kB), Keras test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measure the course's training speed on this machine; write a Markdown table and JSON.

Usage (from the repository root, MNIST available as for the tests):
    .venv/bin/python benchmarks/training_benchmark.py            # full sizes, about 3 minutes on 2 cores
    .venv/bin/python benchmarks/training_benchmark.py --tiny     # seconds: a smoke run on small slices

Rows (each figure is the best of --repeats runs; every ratio comes from one run of this script):
1. naive vs vectorised add + relu on two (20, 100) matrices, 1000 rounds;
2. chapter 1's Keras fit, 5 epochs, batch 128: the book's plain code vs the tuned settings
   (XLA compilation and one call per epoch: ``jit_compile=True, steps_per_execution=469``);
3. chapter 6's from-scratch loop, eager vs compiled (``tf.function``), per epoch;
4. the same on GPU when one is visible (the device column says where each row ran).
Rows 2 run under any Keras backend (``KERAS_BACKEND=jax`` on machines without TensorFlow);
row 3 needs TensorFlow and is skipped, with a note, under another backend.

Writes benchmarks/results/training.{md,json} (or --out). A benchmark: it reports, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # oneDNN stays on here: this measures speed

import numpy as np  # noqa: E402

from course_lib import naive_ops  # noqa: E402
from course_lib.backend import describe_device, import_keras, keras_backend_name, visible_gpus  # noqa: E402
from course_lib.data import load_mnist  # noqa: E402
from course_lib.timing import compare_speed  # noqa: E402
from course_lib.training import FAST_FIT_SETTINGS as TUNED  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def mnist(samples: int):
    (x, y), (xt, yt) = load_mnist()
    x = x.reshape((-1, 784)).astype("float32")[:samples] / 255
    xt = xt.reshape((-1, 784)).astype("float32")[: max(1000, samples // 6)] / 255
    return x, y[:samples], xt, yt[: len(xt)]


def keras_fit(keras, data, epochs: int, **settings):
    x, y, xt, yt = data
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], **settings)
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=128, verbose=0)
    seconds = time.perf_counter() - start
    return seconds, float(model.evaluate(xt, yt, verbose=0)[1])


def scratch_epoch(data, compiled: bool):
    import tensorflow as tf

    from course_lib import training

    x, y, xt, yt = data
    tf.random.set_seed(0)
    model = training.NaiveSequential([training.NaiveDense(784, 512, tf.nn.relu),
                                      training.NaiveDense(512, 10, tf.nn.softmax)])
    training.fit(model, x[:256], y[:256], epochs=1, compiled=compiled, print_every=0)  # warm-up / tracing
    start = time.perf_counter()
    training.fit(model, x, y, epochs=1, compiled=compiled, print_every=0)
    return time.perf_counter() - start, training.evaluate(model, xt, yt)


def best(runs):
    """The run with the smallest time: noise only ever adds time."""
    return min(runs, key=lambda r: r[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a quick smoke run on small slices")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.tiny else 3)
    samples, epochs, rounds = (1024, 1, 20) if args.tiny else (60000, 5, 1000)

    keras = import_keras()
    device = describe_device()
    rows, notes = [], []
    x1, x2 = np.random.random((20, 100)), np.random.random((20, 100))
    speed = compare_speed(lambda: naive_ops.naive_relu(naive_ops.naive_add(x1, x2)), lambda: np.maximum(x1 + x2, 0.0),
                          number=rounds, repeat=repeats)
    rows.append(dict(name=f"add + relu, {rounds} rounds", device="CPU (NumPy)",
                     baseline=f"naive {speed.naive_seconds:.3f} s", tuned=f"vectorised {speed.fast_seconds:.4f} s",
                     ratio=round(speed.ratio, 1), accuracy=None))

    data = mnist(samples)
    plain = best([keras_fit(keras, data, epochs) for _ in range(repeats)])
    tuned = best([keras_fit(keras, data, epochs, **TUNED) for _ in range(repeats)])
    rows.append(dict(name=f"chapter 1 fit, {epochs} epochs, batch 128 ({keras_backend_name()})", device=device,
                     baseline=f"book code {plain[0]:.2f} s ({plain[0] / epochs:.2f} s/epoch)",
                     tuned=f"tuned {tuned[0]:.2f} s ({tuned[0] / epochs:.2f} s/epoch)",
                     ratio=round(plain[0] / tuned[0], 2), accuracy=f"{plain[1]:.4f} / {tuned[1]:.4f}"))

    if keras_backend_name() == "tensorflow":
        eager = best([scratch_epoch(data, compiled=False) for _ in range(repeats)])
        compiled = best([scratch_epoch(data, compiled=True) for _ in range(repeats)])
        rows.append(dict(name="chapter 6 from-scratch loop, 1 epoch (SGD 1e-3)", device=device,
                         baseline=f"eager {eager[0]:.2f} s/epoch", tuned=f"compiled {compiled[0]:.2f} s/epoch",
                         ratio=round(eager[0] / compiled[0], 2), accuracy=f"{eager[1]:.4f} / {compiled[1]:.4f}"))
    else:
        notes.append(f"The from-scratch loop uses tf.GradientTape: skipped under the {keras_backend_name()} backend.")
    if not visible_gpus():
        notes.append("No GPU is visible here: the rows above are CPU rows; "
                     "run this script on a GPU machine for GPU rows.")

    result = dict(machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                  device=device, date=time.strftime("%Y-%m-%d"), tiny=args.tiny, repeats=repeats, rows=rows,
                  notes=notes)
    table = [f"Measured {result['date']} on {result['machine']}; device: {device}; best of {repeats}"
             + (" (tiny smoke run)" if args.tiny else "") + ".", "",
             "| benchmark | device | baseline | faster version | speed-up | test accuracy (baseline / faster) |",
             "|---|---|---|---|---|---|"]
    table += [f"| {r['name']} | {r['device']} | {r['baseline']} | {r['tuned']} | {r['ratio']}x "
              f"| {r['accuracy'] or '-'} |"
              for r in rows]
    table += [""] + [f"- {n}" for n in notes] + [""]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "training-tiny" if args.tiny else "training"
    (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / f"{name}.md").write_text("\n".join(table))
    print("\n".join(table))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measure the course's training speed on this machine; write a Markdown table and JSON.

Usage (from the repository root, MNIST available as for the tests):
    .venv/bin/python benchmarks/training_benchmark.py            # full sizes, about 3 minutes on 2 cores
    .venv/bin/python benchmarks/training_benchmark.py --tiny     # seconds: a smoke run on small slices

Rows (each figure is the best of --repeats runs; every ratio comes from one run of this script):
1. naive vs vectorised add + relu on two (20, 100) matrices, 1000 rounds;
2. chapter 1's Keras fit, 5 epochs, batch 128: the book's plain code vs the tuned settings
   (XLA compilation and one call per epoch: ``jit_compile=True, steps_per_execution=469``);
3. chapter 6's from-scratch loop, eager (the book's loop, one ``one_training_step`` per batch from
   Python) vs compiled (``training.compiled_epoch``: ``tf.function`` over the whole epoch's loop, so
   no trip back to Python between steps; no XLA, which is slower on a CPU), per epoch. Each run
   starts from the same weights (``training.starting_weights``) and times one epoch after a warm-up
   (tracing excluded); the row gives the MEDIAN of --repeats runs, alternating eager and compiled,
   the largest relative difference between the two runs' step losses, and the accuracy after the
   book's 10 epochs of plain SGD (compiled, from Keras's own seeded draw: ``--accuracy-epochs``);
4. the same on GPU when one is visible (the device column says where each row ran).
Row 2 runs under any Keras backend (``KERAS_BACKEND=jax`` on machines without TensorFlow);
row 3 needs TensorFlow and is skipped, with a note, under another backend.

Writes benchmarks/results/training.{md,json} (or --out). A benchmark: it reports, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
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
    """Time one epoch of the from-scratch loop from :func:`training.starting_weights`; return (seconds, losses)."""
    import tensorflow as tf

    from course_lib import training

    x, y, _, _ = data
    model = training.mnist_model()
    start_weights = training.starting_weights()

    def restart():
        for weight, value in zip(model.weights, start_weights):
            weight.assign(value)

    if compiled:
        train_epoch = training.compiled_epoch(model)
        images, labels = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
        train_epoch(images, labels)  # warm-up: tracing happens here, once
        restart()
        start = time.perf_counter()
        losses = train_epoch(images, labels).numpy().tolist()
    else:
        training.fit(model, x[:256], y[:256], epochs=1, print_every=0)  # warm-up
        restart()
        start = time.perf_counter()
        losses = training.fit(model, x, y, epochs=1, print_every=0)
    return time.perf_counter() - start, losses


def scratch_rows(data, repeats: int, accuracy_epochs: int):
    """The chapter 6 row: median eager and compiled epoch times, loss agreement, accuracy after training."""
    from course_lib import training

    keras = import_keras()
    runs = {False: [], True: []}
    for _ in range(repeats):  # alternate, so a burst of load on a shared machine hits both
        for compiled in (False, True):
            runs[compiled].append(scratch_epoch(data, compiled))
    eager = statistics.median(seconds for seconds, _ in runs[False])
    compiled = statistics.median(seconds for seconds, _ in runs[True])
    reference = np.array(runs[False][0][1])
    difference = max(float(np.max(np.abs(np.array(losses) - reference) / reference))
                     for run in runs.values() for _, losses in run)
    x, y, xt, yt = data
    keras.utils.set_random_seed(0)
    model = training.mnist_model()
    training.fit(model, x, y, epochs=accuracy_epochs, compiled=True, print_every=0)
    accuracy = training.evaluate(model, xt, yt)
    return dict(name=f"chapter 6 from-scratch loop, 1 epoch (SGD 1e-3), median of {repeats}",
                baseline=f"eager {eager:.2f} s/epoch", tuned=f"compiled {compiled:.2f} s/epoch",
                ratio=round(eager / compiled, 2), accuracy=None,
                eager_runs=[round(seconds, 3) for seconds, _ in runs[False]],
                compiled_runs=[round(seconds, 3) for seconds, _ in runs[True]],
                max_loss_difference=difference, steps=len(reference),
                sgd_accuracy=dict(epochs=accuracy_epochs, samples=len(x), test_samples=len(xt), accuracy=accuracy))


def best(runs):
    """The run with the smallest time: noise only ever adds time."""
    return min(runs, key=lambda r: r[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a quick smoke run on small slices")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--scratch-repeats", type=int, default=None,
                        help="runs of each chapter 6 loop (default 5; 1 with --tiny)")
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
        row = scratch_rows(data, args.scratch_repeats or (1 if args.tiny else 5), 1 if args.tiny else 10)
        row["device"] = device
        sgd = row["sgd_accuracy"]
        row["accuracy"] = f"{sgd['accuracy']:.4f} after {sgd['epochs']} epochs (compiled)"
        notes.append(f"Chapter 6: eager and compiled step losses differ by at most {row['max_loss_difference']:.1e} "
                     f"(relative) over {row['steps']} steps; epoch times, eager {row['eager_runs']} s, "
                     f"compiled {row['compiled_runs']} s.")
        rows.append(row)
    else:
        notes.append(f"The from-scratch loop uses tf.GradientTape: skipped under the {keras_backend_name()} backend.")
    if not visible_gpus():
        notes.append("No GPU is visible here: the rows above are CPU rows; "
                     "run this script on a GPU machine for GPU rows.")

    load = [round(value, 2) for value in os.getloadavg()]
    notes.append(f"Load average (1, 5, 15 min) when the run ended: {load}; on a shared machine the absolute times "
                 "vary with it, the ratios much less.")
    result = dict(machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                  device=device, date=time.strftime("%Y-%m-%d"), tiny=args.tiny, repeats=repeats, rows=rows,
                  notes=notes, load_average=load)
    table = [f"Measured {result['date']} on {result['machine']}; device: {device}; rows 1-2 best of {repeats}"
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

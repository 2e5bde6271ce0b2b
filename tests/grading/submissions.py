"""Prepared submissions for the assignment-grading tests, and what each must score.

A submission is the handed-out student version with some answer cells filled in
(``answers``: grade id -> code, where ``SOLUTION`` stands for the instructor's own code
and a tuple joins parts) and,
for the hostile ones, test cells deleted or edited. ``expected`` gives the points per
graded test cell; ``results`` the words the grading report must use there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SOLUTION = object()


@dataclass
class Submission:
    student: str
    answers: dict = field(default_factory=dict)
    delete: tuple = ()
    edit: dict = field(default_factory=dict)  # grade id -> new source (and "points" override)
    expected: dict = field(default_factory=dict)  # test cell grade id -> points
    results: dict = field(default_factory=dict)  # test cell grade id -> phrases the report must contain


# --- Partially right: some answers right, one that passes the visible check but not the
# hidden tests, one plainly wrong. The expected totals are worked out by hand.

PARTIAL = {
    "a1_tensors": Submission(
        "partial",
        answers={
            "q1_tensor_facts": SOLUTION,
            # Right for square images only: passes the 28 x 28 check, fails the hidden 10 x 12 case.
            "q2_centre_crop": (
                "def centre_crop(images, size):\n"
                "    if not 1 <= size <= images.shape[1]:\n"
                "        raise ValueError('size does not fit')\n"
                "    top = (images.shape[1] - size) // 2\n"
                "    return images[:, top:top + size, top:top + size]\n"),
            "q3_get_batch": SOLUTION,
            # Rounds down: forgets the last, smaller batch.
            "q4_count_batches": "def count_batches(num_samples, batch_size):\n    return num_samples // batch_size\n",
        },
        expected={"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 1,
                  "q4_count_batches_tests": 0},
    ),
    "a2_tensor_operations": Submission(
        "partial",
        answers={
            # Right values, but changes the caller's array.
            "q1_naive_relu": (
                "def naive_relu(x):\n"
                "    for i in range(x.shape[0]):\n"
                "        for j in range(x.shape[1]):\n"
                "            x[i, j] = max(x[i, j], 0)\n"
                "    return x\n"),
            "q2_naive_add": SOLUTION,
            "q3_naive_matrix_product": SOLUTION,
            # Pads with 1s but never stretches a size-1 axis: passes the visible check only.
            "q4_broadcast_shape": (
                "def broadcast_shape(x_shape, y_shape):\n"
                "    rank = max(len(x_shape), len(y_shape))\n"
                "    x_shape = (1,) * (rank - len(x_shape)) + tuple(x_shape)\n"
                "    y_shape = (1,) * (rank - len(y_shape)) + tuple(y_shape)\n"
                "    for a, b in zip(x_shape, y_shape):\n"
                "        if a != b and b != 1:\n"
                "            raise ValueError('shapes clash')\n"
                "    return x_shape\n"),
            "q5_product_shape": SOLUTION,
        },
        expected={"q1_naive_relu_tests": 0, "q2_naive_add_tests": 1, "q3_naive_matrix_product_tests": 2,
                  "q4_broadcast_shape_tests": 0, "q5_product_shape_tests": 1},
    ),
    "a3_geometry": Submission(
        "partial",
        answers={
            "q1_translate_points": SOLUTION,
            "q2_rotation_matrix": SOLUTION,
            # Multiplies by R instead of its transpose: rotates the wrong way.
            "q3_rotate_points": "def rotate_points(points, degrees):\n    return points @ rotation_matrix(degrees)\n",
            "q4_scaling_matrix": SOLUTION,
            # Right values, but folds the caller's array in place: passes the visible check only.
            "q5_relu_fold": (
                "def relu_fold(points):\n"
                "    moved = (points < 0).any(axis=1)\n"
                "    np.maximum(points, 0, out=points)\n"
                "    return points, moved\n"),
            "q6_collapse_layers": SOLUTION,
        },
        expected={"q1_translate_points_tests": 1, "q2_rotation_matrix_tests": 1, "q3_rotate_points_tests": 0,
                  "q4_scaling_matrix_tests": 1, "q5_relu_fold_tests": 0, "q6_collapse_layers_tests": 2},
    ),
    "a4_gradients": Submission(
        "partial",
        answers={
            # A sign slip in the derivative.
            "q1_derivative": "def derivative(x):\n    return 6 * x ** 2 + 5\n",
            # Gives up only when a step stops getting closer, never after max_steps: passes the visible
            # check (too small still arrives within max_steps there), fails the hidden budget cases.
            "q2_steps_to_minimum": (
                "def steps_to_minimum(learning_rate, w0, tolerance, max_steps):\n"
                "    w, n = w0, 0\n"
                "    while abs(w) >= tolerance:\n"
                "        if abs(w - learning_rate * 2 * w) >= abs(w):\n"
                "            return None\n"
                "        w = w - learning_rate * 2 * w\n"
                "        n += 1\n"
                "    return n\n"),
            "q3_momentum_descent": SOLUTION,
            "q4_backward_pass": SOLUTION,
            "q5_one_training_step": SOLUTION,
        },
        expected={"q1_derivative_tests": 0, "q2_steps_to_minimum_tests": 0, "q3_momentum_descent_tests": 2,
                  "q4_backward_pass_tests": 2, "q5_one_training_step_tests": 3},
    ),
}

# --- Hostile submissions, all for assignment 1 (NumPy only, so time limits stay short).

_LOOP_FOREVER = "while True:\n    pass\n"

HOSTILE = [
    Submission(
        "raiser",
        answers={
            "q1_tensor_facts": "raise RuntimeError('I refuse to answer')\n",
            "q2_centre_crop": "def centre_crop(images, size):\n    return 1 / 0\n",
            "q3_get_batch": SOLUTION,
            "q4_count_batches": SOLUTION,
        },
        expected={"q1_tensor_facts_tests": 0, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 1,
                  "q4_count_batches_tests": 1},
        results={"q1_tensor_facts_tests": ["failed", "RuntimeError: I refuse to answer"],
                 "q2_centre_crop_tests": ["failed", "ZeroDivisionError"],
                 "q3_get_batch_tests": ["passed"]},
    ),
    Submission(
        "looper",
        answers={
            "q1_tensor_facts": _LOOP_FOREVER,
            "q2_centre_crop": "def centre_crop(images, size):\n" + "    while True:\n        pass\n",
            "q3_get_batch": SOLUTION,
            "q4_count_batches": SOLUTION,
        },
        expected={"q1_tensor_facts_tests": 0, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 1,
                  "q4_count_batches_tests": 1},
        results={"q1_tensor_facts_tests": ["failed", "answer cell itself stopped with timed out"],
                 "q2_centre_crop_tests": ["failed: timed out"],
                 "q4_count_batches_tests": ["passed"]},
    ),
    Submission(
        "tamperer",
        answers={
            "q1_tensor_facts": SOLUTION,
            "q2_centre_crop": "def centre_crop(images, size):\n    return images\n",
            "q3_get_batch": "def get_batch(samples, batch_size, n):\n    return samples\n",
            "q4_count_batches": "def count_batches(num_samples, batch_size):\n    return 0\n",
        },
        delete=("q2_centre_crop_tests",),
        edit={"q1_tensor_facts_tests": "pass  # nothing to test here",
              "q3_get_batch_tests": "assert True",
              "q4_count_batches_tests": {"source": "assert True", "points": 100}},
        expected={"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 0,
                  "q4_count_batches_tests": 0},
        results={"q1_tensor_facts_tests": ["passed", "test cell edited in the submission; replaced by the original"],
                 "q2_centre_crop_tests": ["failed", "test cell deleted in the submission; restored"],
                 "q3_get_batch_tests": ["failed", "test cell edited in the submission"],
                 "q4_count_batches_tests": ["failed", "test cell edited in the submission"]},
    ),
    Submission(
        "printer",
        answers={
            "q1_tensor_facts": ("for i in range(200_000):\n    print('line', i)\n", SOLUTION),
            "q2_centre_crop": ("print('x' * 5_000_000)\n", SOLUTION),
            "q3_get_batch": SOLUTION,
            "q4_count_batches": SOLUTION,
        },
        expected={"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 2, "q3_get_batch_tests": 1,
                  "q4_count_batches_tests": 1},
        results={"q1_tensor_facts_tests": ["passed", "printed output was truncated"],
                 "q2_centre_crop_tests": ["passed", "printed output was truncated"]},
    ),
]

#: Leaves the tests alone but patches what they use, at run time, in its own kernel. Tests
#: cannot defend against that (they share the kernel); the report must flag it for a person.
PATCHER = Submission(
    "patcher",
    answers={
        "q1_tensor_facts": SOLUTION,
        "q3_get_batch": ("def get_batch(samples, batch_size, n):\n    return samples\n\n"
                         "import course_lib.feedback.base\n"
                         "course_lib.feedback.base.require = lambda feedback: feedback\n"
                         "np.array_equal = lambda *args, **kwargs: True\n"),
    },
    expected={"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 1,
              "q4_count_batches_tests": 0},
    results={"q3_get_batch_tests": ["passed", "changes library code at run time", "check these points by hand"],
             "q1_tensor_facts_tests": ["passed", "check these points by hand"]},
)
HOSTILE.append(PATCHER)

#: Deletes every answer, check and test cell: the grader must restore the test cells
#: (nbgrader 0.9 alone stops with a KeyError here) and give zero, not crash.
VANDAL = Submission(
    "vandal",
    delete=tuple(f"q{n}_{name}{suffix}" for n, name in enumerate(
        ["tensor_facts", "centre_crop", "get_batch", "count_batches"], start=1) for suffix in ("", "_check", "_tests")),
    expected={"q1_tensor_facts_tests": 0, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 0,
              "q4_count_batches_tests": 0},
    results={"q1_tensor_facts_tests": ["failed", "NameError", "test cell deleted in the submission; restored"],
             "q4_count_batches_tests": ["failed", "NameError", "test cell deleted in the submission; restored"]},
)
HOSTILE.append(VANDAL)

#: Crashes the kernel itself: nbgrader cannot run the notebook, and the report must say so.
CRASHER = Submission(
    "crasher",
    answers={"q1_tensor_facts": SOLUTION, "q2_centre_crop": "import os\nos._exit(1)\n"},
    expected={"q1_tensor_facts_tests": 0, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 0,
              "q4_count_batches_tests": 0},
    results={"q1_tensor_facts_tests": ["not graded", "grade it by hand"]},
)

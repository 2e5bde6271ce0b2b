"""Submissions that break the questions' rules: each shortcut gets 0 for its question, with a kind message.

Assignment 2 says "with loops" and "apply the rule yourself"; assignment 3 says "no loop" and
"write it yourself"; assignment 4 says "write it yourself". Every shortcut below gives the
right values, so only the rules (read from the function's code in the grading kernel) stop
it. Each submission mixes shortcuts with honest answers, which must keep their full points.
``SHORTCUTS[assignment]`` is added to that assignment's graded submissions by ``course.py``;
there is nothing here for assignment 1 (``SUBMISSIONS`` is empty).
"""

from __future__ import annotations

from tests.grading.submissions import SOLUTION, Submission

SUBMISSIONS: list[Submission] = []

_FAILED = "failed"
_LOOPS = "this question asks for loops"
_COURSE = "is the course's own code"


def _matmul(body: str) -> str:
    return ("def naive_matrix_product(x, y):\n"
            "    if x.shape[1] != y.shape[0]:\n"
            "        raise ValueError(f'cannot multiply shapes {x.shape} and {y.shape}')\n"
            f"    return {body}\n")




def _shortcuts(questions: tuple, points: dict):
    """Make a builder of submissions: the given shortcuts (0 points each), the solution everywhere else."""

    def submission(student: str, answers: dict, results: dict) -> Submission:
        return Submission(
            student, answers={q: answers.get(q, SOLUTION) for q in questions},
            expected={test: 0 if test.removesuffix("_tests") in answers else worth for test, worth in points.items()},
            results={f"{q}_tests": [_FAILED, phrase] for q, phrase in results.items()}
            | {f"{q}_tests": ["passed"] for q in questions if q not in answers},
        )

    return submission


_a2 = _shortcuts(
    ("q1_naive_relu", "q2_naive_add", "q3_naive_matrix_product", "q4_broadcast_shape", "q5_product_shape"),
    {"q1_naive_relu_tests": 1, "q2_naive_add_tests": 1, "q3_naive_matrix_product_tests": 2,
     "q4_broadcast_shape_tests": 2, "q5_product_shape_tests": 1})
_a3 = _shortcuts(
    ("q1_translate_points", "q2_rotation_matrix", "q3_rotate_points", "q4_scaling_matrix", "q5_relu_fold",
     "q6_collapse_layers"),
    {"q1_translate_points_tests": 1, "q2_rotation_matrix_tests": 1, "q3_rotate_points_tests": 1,
     "q4_scaling_matrix_tests": 1, "q5_relu_fold_tests": 2, "q6_collapse_layers_tests": 2})


SHORTCUTS = {
    "a2_tensor_operations": [
        _a2("shortcut_numpy",
            {"q1_naive_relu": "def naive_relu(x):\n    return np.maximum(x, 0)\n",
             "q2_naive_add": ("def naive_add(x, y):\n"
                              "    if x.shape != y.shape:\n"
                              "        raise ValueError(f'shapes {x.shape} and {y.shape} differ')\n"
                              "    return x + y\n"),
             "q3_naive_matrix_product": _matmul("x @ y"),
             "q4_broadcast_shape": "def broadcast_shape(x_shape, y_shape):\n"
                                   "    return np.broadcast_shapes(x_shape, y_shape)\n"},
            {"q1_naive_relu": f"{_LOOPS}; `np.maximum` does the work for you.",
             "q2_naive_add": f"{_LOOPS}; `x + y` works on whole arrays",
             "q3_naive_matrix_product": f"{_LOOPS}; `x @ y` works on whole arrays",
             "q4_broadcast_shape": "this question asks you to apply the broadcasting rule yourself; "
                                   "`np.broadcast_shapes` does the work for you."}),
        _a2("shortcut_dot",
            {"q3_naive_matrix_product": _matmul("np.dot(x, y)"),
             "q4_broadcast_shape": "def broadcast_shape(x_shape, y_shape):\n"
                                   "    return np.broadcast(np.empty(x_shape), np.empty(y_shape)).shape\n",
             "q5_product_shape": "def product_shape(x_shape, y_shape):\n"
                                 "    return (np.empty(x_shape) @ np.empty(y_shape)).shape\n"},
            {"q3_naive_matrix_product": f"{_LOOPS}; `np.dot` does the work for you.",
             "q4_broadcast_shape": "`np.broadcast` does the work for you.",
             "q5_product_shape": "this question asks you to apply the shape rule yourself; `np.empty`"}),
        _a2("shortcut_matmul",
            {"q2_naive_add": ("def naive_add(x, y):\n"
                              "    if x.shape != y.shape:\n"
                              "        raise ValueError(f'shapes {x.shape} and {y.shape} differ')\n"
                              "    z = np.zeros(x.shape)\n"
                              "    for i in range(x.shape[0]):\n"
                              "        z[i] = x[i] + y[i]  # whole rows at once\n"
                              "    return z\n"),
             "q3_naive_matrix_product": _matmul("np.matmul(x, y)")},
            {"q2_naive_add": f"{_LOOPS}; `+` on whole arrays (or whole rows) does the work for you",
             "q3_naive_matrix_product": f"{_LOOPS}; `np.matmul` does the work for you."}),
        _a2("shortcut_einsum",
            {"q1_naive_relu": "from course_lib.naive_ops import naive_relu\n",
             "q3_naive_matrix_product": _matmul("np.einsum('ik,kj->ij', x, y)")},
            {"q1_naive_relu": f"your function {_COURSE} (`course_lib.naive_ops.naive_relu`)",
             "q3_naive_matrix_product": f"{_LOOPS}; `np.einsum` does the work for you."}),
    ],
    "a3_geometry": [
        # The course's own maps. rotate_points keeps the solution, which calls rotation_matrix: an
        # answer another question may use is judged by its own question only, so it keeps its point.
        _a3("shortcut_course",
            {"q1_translate_points": "from course_lib.geometry import translate as translate_points\n",
             "q2_rotation_matrix": "from course_lib.geometry import rotation_matrix\n",
             "q4_scaling_matrix": ("from course_lib import geometry\n\n\n"
                                   "def scaling_matrix(sx, sy):\n    return geometry.scaling_matrix(sx, sy)\n"),
             "q5_relu_fold": ("def relu_fold(points):\n"
                              "    return geometry.relu(points), (points < 0).any(axis=1)\n"),
             "q6_collapse_layers": ("def collapse_layers(W1, b1, W2, b2):\n"
                                    "    from course_lib.geometry import compose_affine\n\n"
                                    "    return compose_affine(W1, b1, W2, b2)\n")},
            {"q1_translate_points": f"your function {_COURSE} (`course_lib.geometry.translate`)",
             "q2_rotation_matrix": f"your function {_COURSE} (`course_lib.geometry.rotation_matrix`)",
             "q4_scaling_matrix": f"`geometry.scaling_matrix` {_COURSE}",
             "q5_relu_fold": f"`geometry.relu` {_COURSE}",
             "q6_collapse_layers": "`from course_lib.geometry import compose_affine` brings in the course's own"}),
        _a3("shortcut_loops",
            {"q1_translate_points": ("def translate_points(points, b):\n"
                                     "    moved = points.copy()\n"
                                     "    for i in range(len(points)):\n"
                                     "        moved[i] = points[i] + b\n"
                                     "    return moved\n"),
             "q3_rotate_points": ("def rotate_points(points, degrees):\n"
                                  "    R = rotation_matrix(degrees)\n"
                                  "    return np.array([R @ p for p in points])\n"),
             "q5_relu_fold": ("def relu_fold(points):\n"
                              "    folded = np.maximum(points, 0)\n"
                              "    moved = np.array([bool((p < 0).any()) for p in points])\n"
                              "    return folded, moved\n")},
            {"q1_translate_points": "without a loop; your code uses a `for` loop",
             "q3_rotate_points": "without a loop; your code uses a list comprehension",
             "q5_relu_fold": "without a loop; your code uses a list comprehension"}),
    ],
    "a4_gradients": [
        # One submission only: assignment 4 loads TensorFlow, seconds per notebook.
        Submission(
            "shortcut_course",
            answers={
                "q1_derivative": SOLUTION,
                "q2_steps_to_minimum": SOLUTION,
                "q3_momentum_descent": (
                    "from course_lib import optimization\n\n\n"
                    "def momentum_descent(gradient, w0, learning_rate, momentum, steps):\n"
                    "    run = optimization.momentum_descent(lambda w: 0.0, gradient, w0,\n"
                    "                                        learning_rate=learning_rate, momentum=momentum,\n"
                    "                                        steps=steps)\n"
                    "    return float(np.ravel(run.final)[0])\n"),
                "q4_backward_pass": (
                    "import course_lib.graph as g\n\n\n"
                    "def backward_pass(x, w, b, y_true):\n"
                    "    grads = g.curriculum_example(x=x, w=w, b=b, y_true=y_true).backward()\n"
                    "    return grads['w'], grads['b']\n"),
                "q5_one_training_step": "from course_lib.training import one_training_step\n",
            },
            expected={"q1_derivative_tests": 1, "q2_steps_to_minimum_tests": 2, "q3_momentum_descent_tests": 0,
                      "q4_backward_pass_tests": 0, "q5_one_training_step_tests": 0},
            results={"q1_derivative_tests": ["passed"], "q2_steps_to_minimum_tests": ["passed"],
                     "q3_momentum_descent_tests": [_FAILED, f"`optimization.momentum_descent` {_COURSE}"],
                     "q4_backward_pass_tests": [_FAILED, f"`g.curriculum_example` {_COURSE}"],
                     "q5_one_training_step_tests": [
                         _FAILED, f"your function {_COURSE} (`course_lib.training.one_training_step`)"]},
        ),
    ],
}

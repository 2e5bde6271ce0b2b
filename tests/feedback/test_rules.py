"""The rules a question sets, read from the learner's function: every shortcut named, honest code left alone."""

import functools
import linecache
import types

import numpy as np
import numpy as xp
import pytest
from IPython.core.compilerop import CachingCompiler
from numpy import maximum as m

from course_lib import geometry, naive_ops
from course_lib.feedback import assignments, rules
from course_lib.feedback import base as checks
from course_lib.feedback.rules import FORBIDDEN, LOOPS, NO_LOOPS, OWN_WORK, Rules, check_rules, with_rules
from tests.feedback.test_assignments import _relu

X = np.array([[1.0, -2.0, 0.5], [-3.0, 4.0, -0.5]])
Y = np.array([[2.0, 1.0, -1.0], [0.0, 3.0, 1.5]])
SQUARE = np.array([[1.0, 2.0], [3.0, -1.0]])
relu_alias = np.maximum
BROADCAST = Rules("this question asks you to apply the broadcasting rule yourself", numpy=(),
                  forbidden=("numpy.broadcast_shapes", "numpy.broadcast"))


def problem(function, rule=LOOPS, probe=(X,)) -> str:
    outcome = check_rules(function, rule, probe)
    assert not outcome, f"{function} kept {rule}"
    return outcome.problem


def passes(function, rule=LOOPS, probe=(X,)) -> bool:
    outcome = check_rules(function, rule, probe)
    return bool(outcome) or pytest.fail(outcome.message)


# --- honest code passes -------------------------------------------------------------------


relu_loops = _relu  # the assignment tests' honest relu, written with loops


def relu_new_array(x):
    rows, columns = x.shape
    z = np.zeros_like(x)
    for i in range(rows):
        for j in range(columns):
            z[i][j] = x[i][j] if x[i][j] > 0 else 0
    return z


def relu_comprehension(x):
    return np.array([[max(value, 0.0) for value in row] for row in x])


def add_loops(x, y):
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape; got {x.shape} and {y.shape}.")
    z = np.empty(x.shape)
    for i in range(len(x)):
        for j in range(x.shape[1]):
            z[i, j] = x[i, j] + y[i, j]
    return z


def vector_product(x, y):
    z = 0.0
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z


def matrix_product_by_rows(x, y):
    """The chapter's version: rows and columns handed to a loop that multiplies entries."""
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = vector_product(x[i, :], y[:, j])
    return z


def matrix_product_generator(x, y):
    return np.array([[sum(x[i, k] * y[k, j] for k in range(x.shape[1])) for j in range(y.shape[1])]
                     for i in range(x.shape[0])])


def broadcast_python(a, b):
    rank = max(len(a), len(b))
    a, b = (1,) * (rank - len(a)) + tuple(a), (1,) * (rank - len(b)) + tuple(b)
    return tuple(max(p, q) for p, q in zip(a, b))


@pytest.mark.parametrize("function, probe", [
    (relu_loops, (X,)), (relu_new_array, (X,)), (relu_comprehension, (X,)), (add_loops, (X, Y)),
    (matrix_product_by_rows, (X, Y.T)), (matrix_product_generator, (X, Y.T)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_honest_loops_pass(function, probe):
    assert passes(function, LOOPS, probe)


def test_honest_answers_pass_the_other_rules():
    assert passes(broadcast_python, BROADCAST, None)
    assert passes(lambda p, b: p + b, NO_LOOPS, None)
    assert passes(lambda p: (np.maximum(p, 0), (p < 0).any(axis=1)), NO_LOOPS, None)
    assert passes(lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1 + b2), OWN_WORK, None)


# --- NumPy shortcuts, however they are written ----------------------------------------------


def relu_np(x):
    return np.maximum(x, 0)


def relu_other_alias(x):
    for _ in range(1):
        pass
    return xp.maximum(x, 0)


def relu_from_import(x):
    return m(x, 0)


def relu_global_alias(x):
    return relu_alias(x, 0)


def relu_local_import(x):
    from numpy import maximum

    return maximum(x, 0)


def relu_local_module(x):
    import numpy as mine

    return mine.maximum(x, 0)


def relu_default_argument(x, f=np.maximum):
    return f(x, 0)


def relu_clip(x):
    return x.clip(0)


def relu_where(x):
    return np.where(x > 0, x, 0)


def relu_mask(x):
    x = x.copy()
    x[x < 0] = 0
    return x


def relu_times(x):
    return x * (x > 0)


def relu_through_helper(x):
    return relu_np(x)


def relu_dummy_loop(x):
    z = np.zeros(x.shape)
    for i in range(1):
        z[0, 0] = 0
    return np.maximum(x, z)


def relu_ndarray_method(x):
    return np.ndarray.clip(x, 0)


def add_plus(x, y):
    return x + y


def add_augmented(x, y):
    x = x.copy()
    x += y
    return x


def add_rows(x, y):
    z = np.zeros(x.shape)
    for i in range(x.shape[0]):
        z[i] = x[i] + y[i]
    return z


def add_stripped(x, y):
    a, b = np.asarray(x), np.asarray(y)
    return a + b


def matmul_operator(x, y):
    return x @ y


def matmul_dot(x, y):
    return np.dot(x, y)


def matmul_method(x, y):
    return x.dot(y)


def matmul_einsum(x, y):
    return np.einsum("ik,kj->ij", x, y)


def matmul_row_times_column(x, y):
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = sum(x[i, :] * y[:, j])
    return z


def closure_relu():
    f = np.maximum

    def naive_relu(x):
        return f(x, 0)

    return naive_relu


@pytest.mark.parametrize("function, probe, named", [
    (relu_np, (X,), "`np.maximum` does the work for you"),
    (relu_other_alias, (X,), "`xp.maximum` (that is `np.maximum`) does the work for you"),
    (relu_from_import, (X,), "`m` (that is `np.maximum`) does the work for you"),
    (relu_global_alias, (X,), "`relu_alias` (that is `np.maximum`)"),
    (relu_local_import, (X,), "`maximum` (that is `np.maximum`)"),
    (relu_local_module, (X,), "`mine.maximum` (that is `np.maximum`)"),
    (relu_default_argument, (X,), "`np.maximum` does the work for you"),
    (closure_relu(), (X,), "`f` (that is `np.maximum`)"),
    (relu_through_helper, (X,), "`np.maximum` does the work for you"),
    (relu_dummy_loop, (X,), "`np.maximum` does the work for you"),
    (relu_clip, (X,), "`x.clip` works on a whole array"),
    (relu_where, (X,), "`np.where` does the work for you"),
    (relu_mask, (X,), "`x < 0` works on whole arrays"),
    (relu_times, (X,), "`x * (x > 0)` works on whole arrays"),
    (relu_ndarray_method, (X,), "`np.ndarray.clip`"),
    (add_plus, (X, Y), "`x + y` works on whole arrays"),
    (add_augmented, (X, Y), "`x += y` works on whole arrays"),
    (add_rows, (X, Y), "`+` on whole arrays (or whole rows) does the work for you"),
    (add_stripped, (X, Y), "`a + b` works on whole arrays"),
    (matmul_operator, (X, Y.T), "`x @ y` works on whole arrays"),
    (matmul_dot, (X, Y.T), "`np.dot` does the work for you"),
    (matmul_method, (X, Y.T), "`x.dot` works on a whole array"),
    (matmul_einsum, (X, Y.T), "`np.einsum` does the work for you"),
    (matmul_row_times_column, (X, Y.T), "`*` on whole arrays (or whole rows)"),
    (lambda x: np.maximum(x, 0), (X,), "`np.maximum` does the work for you"),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else "")
def test_every_numpy_shortcut_is_named(function, probe, named):
    found = problem(function, LOOPS, probe)
    assert found.startswith("this question asks for loops; "), found
    assert named in found, found


def test_the_issue_message_word_for_word():
    assert problem(relu_np) == "this question asks for loops; `np.maximum` does the work for you."


def test_numpy_objects_themselves_are_named():
    assert problem(np.add, LOOPS, (X, Y)) == "this question asks for loops; your function is `np.add` itself."
    assert "`np.maximum` itself" in problem(functools.partial(np.maximum, 0))


def test_a_loop_is_required():
    assert "your function has no loop" in problem(lambda x: x.copy())


def test_broadcasting_helpers_are_refused():
    assert problem(lambda a, b: np.broadcast_shapes(a, b), BROADCAST, None) == \
        "this question asks you to apply the broadcasting rule yourself; `np.broadcast_shapes` does the work for you."
    assert "`np.broadcast`" in problem(lambda a, b: np.broadcast(np.empty(a), np.empty(b)).shape, BROADCAST, None)
    assert "`np.zeros` does the work" in problem(lambda a, b: (np.zeros(a) + np.zeros(b)).shape, BROADCAST, None)
    assert "brings in a library" in problem(_broadcast_with_tensorflow, BROADCAST, None)


def _broadcast_with_tensorflow(a, b):
    import tensorflow as tf

    return tuple(tf.broadcast_static_shape(tf.TensorShape(a), tf.TensorShape(b)))


# --- loops where one operation is asked for --------------------------------------------------


def rotate_each(points, degrees):
    R = rotation(degrees)
    return np.array([R @ p for p in points])


def rotation(degrees):
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def rotate_in_helper(points, degrees):
    return loop_helper(points, rotation(degrees))


def loop_helper(points, R):
    out = np.empty_like(points)
    i = 0
    while i < len(points):
        out[i] = R @ points[i]
        i += 1
    return out


def test_loops_are_refused_where_one_operation_is_asked_for():
    assert "your code uses a list comprehension" in problem(rotate_each, NO_LOOPS, None)
    assert "your code uses a `while` loop" in problem(rotate_in_helper, NO_LOOPS, None)
    assert "`map`" in problem(lambda p, b: np.array(list(map(lambda q: q + b, p))), NO_LOOPS, None)
    assert passes(lambda p, d: p @ rotation(d).T, NO_LOOPS, None)
    assert problem(rotate_each, NO_LOOPS, None).startswith(
        "this question asks for one operation on all the rows at once, without a loop; ")


# --- the course's own code -----------------------------------------------------------------


def rotation_from_course(degrees):
    return geometry.rotation_matrix(degrees)


def rotation_imported_inside(degrees):
    from course_lib.geometry import rotation_matrix

    return rotation_matrix(degrees)


def rotation_through_the_checks(degrees):
    return assignments.geometry.rotation_matrix(degrees)


def relu_from_course(x):
    return naive_ops.naive_relu(x)


def test_the_course_library_never_stands_in_for_an_answer():
    assert problem(rotation_from_course, OWN_WORK, None) == (
        "`geometry.rotation_matrix` is the course's own code (`course_lib.geometry.rotation_matrix`), which holds "
        "the answers; this question asks you to write it yourself.")
    assert "`from course_lib.geometry import rotation_matrix` brings in the course's own code" in \
        problem(rotation_imported_inside, OWN_WORK, None)
    assert "`assignments.geometry.rotation_matrix` is the course's own code" in \
        problem(rotation_through_the_checks, OWN_WORK, None)
    assert "your function is the course's own code (`course_lib.geometry.rotation_matrix`)" in \
        problem(geometry.rotation_matrix, OWN_WORK, None)
    assert "`naive_ops.naive_relu` is the course's own code" in problem(relu_from_course, LOOPS, (X,))


def test_a_copy_of_the_course_code_is_still_the_course_code():
    copy = types.FunctionType(geometry.rotation_matrix.__code__, {"np": np})
    assert "the course's own code" in problem(copy, OWN_WORK, None)


def test_a_wrapped_attribute_does_not_hide_the_code_that_runs():
    def naive_relu(x):
        return np.maximum(x, 0)

    naive_relu.__wrapped__ = relu_loops
    assert "`np.maximum`" in problem(naive_relu)


# --- code that hides what it calls, and code that cannot be read ------------------------------


def relu_getattr(x):
    return getattr(np, "max" + "imum")(x, 0)


def relu_dict(x):
    return np.__dict__["maximum"](x, 0)


def relu_eval(x):
    return eval("np.maximum(x, 0)")  # noqa: S307 - the shortcut under test


def relu_importlib(x):
    import importlib

    return importlib.import_module("numpy").maximum(x, 0)


def relu_sys_modules(x):
    import sys

    return sys.modules["numpy"].maximum(x, 0)


@pytest.mark.parametrize("function, named", [
    (relu_getattr, "`getattr`"), (relu_dict, "`np.__dict__`"), (relu_eval, "`eval`"),
    (relu_importlib, "`import importlib`"), (relu_sys_modules, "`sys.modules`"),
])
def test_hidden_calls_break_every_rule(function, named):
    found = problem(function, OWN_WORK, None)
    assert found.startswith(named) and "hides from a reader what your code does" in found, found


def test_a_function_whose_code_cannot_be_read_fails_with_a_way_out():
    namespace: dict = {}
    exec("def naive_relu(x):\n    return x\n", namespace)  # noqa: S102 - a function without readable source
    outcome = check_rules(namespace["naive_relu"], LOOPS, (X,))
    assert not outcome and outcome.heading == checks.NOT_READ
    assert "could not read your function's code" in outcome.problem and "`def`" in outcome.problem
    assert check_rules(object(), OWN_WORK).heading == checks.NOT_READ  # not a function at all


def test_functions_defined_in_notebook_cells_are_read(tmp_path):
    """IPython keeps each cell's code in linecache; that is where the rules read it from."""
    compiler = CachingCompiler()
    namespace = {"np": np}
    source = "def naive_relu(x):\n    return np.maximum(x, 0)\n\n\ndef honest(x):\n" \
             "    return np.array([[max(v, 0) for v in row] for row in x])\n"
    name = compiler.cache(source, 1)
    assert linecache.getlines(name)
    exec(compiler(source, name, "exec"), namespace)  # noqa: S102 - what IPython does with a cell
    assert "`np.maximum` does the work for you" in problem(namespace["naive_relu"])
    assert passes(namespace["honest"])


def test_two_lambdas_on_one_line_are_told_apart():
    first, second = (lambda x: np.maximum(x, 0)), (lambda x: [max(v, 0) for v in x])
    assert "`np.maximum`" in problem(first)
    assert passes(second, LOOPS, None)


# --- combining with a behaviour check -------------------------------------------------------


def test_with_rules_speaks_only_once_the_function_works():
    wrong = checks.not_yet("the values differ.", "loop over the entries")
    assert with_rules(wrong, relu_np, LOOPS, (X,)) is wrong
    right = checks.correct("Well done.")
    assert with_rules(right, relu_loops, LOOPS, (X,)) is right
    broken = with_rules(right, relu_np, LOOPS, (X,), hint="use max(x[i, j], 0)")
    assert not broken and broken.heading == checks.NOT_YET and broken.hint == "use max(x[i, j], 0)"
    assert broken.problem == ("your answer gives the right results, but this question asks for loops; "
                              "`np.maximum` does the work for you.")


def test_the_rules_of_the_library():
    assert LOOPS.loops == rules.REQUIRED and NO_LOOPS.loops == FORBIDDEN and OWN_WORK.own_work
    assert "zeros" in rules.ARRAY_BUILDERS and "maximum" not in rules.ARRAY_BUILDERS


def test_another_answer_a_question_may_use_is_judged_by_its_own_question():
    """rotate_points may call the learner's rotation_matrix, even one that broke its own question's rule."""
    compiler = CachingCompiler()
    source = ("from course_lib.geometry import rotation_matrix\n\n\n"
              "def rotate_points(points, degrees):\n    return points @ rotation_matrix(degrees).T\n")
    namespace: dict = {}
    exec(compiler(source, compiler.cache(source, 2), "exec"), namespace)  # noqa: S102 - as IPython runs a cell
    rotate_points = namespace["rotate_points"]
    assert "`rotation_matrix` is the course's own code" in problem(rotate_points, NO_LOOPS, None)
    assert passes(rotate_points, Rules("one operation", loops=FORBIDDEN, uses=("rotation_matrix",)), None)
    assert passes(rotate_points, assignments.RULES["rotate_points"], None)

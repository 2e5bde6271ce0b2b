"""Exercise feedback: right, wrong, unanswered, and broken answers all get a message."""

import numpy as np
import pytest

from course_lib.feedback import base as checks


def test_feedback_is_truthy_only_when_passed_and_reads_as_its_message():
    assert checks.correct("Well done.") and repr(checks.correct("Well done.")) == "Correct! Well done."
    feedback = checks.not_yet("wrong.", "think again")
    assert not feedback and repr(feedback) == "Not yet: wrong.\nHint: think again"


def test_placeholder_is_unanswered_everywhere():
    for check in (lambda: checks.check_value(..., 1), lambda: checks.check_shape(..., (1,)),
                  lambda: checks.check_array(..., [1]), lambda: checks.check_function(..., np.add, [])):
        feedback = check()
        assert not feedback and feedback.message.startswith("Not answered yet")


def test_check_value():
    assert checks.check_value(0.1 + 0.2, 0.3)
    assert checks.check_value((1, (60000,), "uint8"), (1, (60000,), "uint8"))
    assert not checks.check_value((1, (60000,)), (1, (60000,), "uint8"))
    assert not checks.check_value("7", 7)
    assert not checks.check_value(np.zeros(3), 0)  # an array is not a number
    assert checks.check_value(np.int64(7), 7)
    assert "your answer is 8" in checks.check_value(8, 7, hint="h").message


def test_check_shape_takes_tuples_or_arrays():
    assert checks.check_shape((2, 3), (2, 3))
    assert checks.check_shape(np.zeros((2, 3)), (2, 3))
    assert "your shape is (3, 2)" in checks.check_shape((3, 2), (2, 3)).message
    assert "is not a shape" in checks.check_shape("big", (2, 3)).message


def test_check_array_reports_shape_then_values():
    expected = np.arange(6).reshape(2, 3)
    assert checks.check_array(expected.copy(), expected)
    assert "has shape (3, 2); expected shape (2, 3)" in checks.check_array(expected.T, expected).message
    wrong = expected.copy()
    wrong[0, 0] = 99
    assert "1 of 6 values differ" in checks.check_array(wrong, expected).message
    assert "not numbers" in checks.check_array(np.array([["a"] * 3] * 2), expected).message


def test_check_function_catches_errors_none_and_wrong_results():
    cases = [(np.ones((2, 2)), np.ones((2, 2)))]
    assert checks.check_function(lambda x, y: x + y, np.add, cases)
    assert "raised ZeroDivisionError" in checks.check_function(lambda x, y: 1 / 0, np.add, cases).message
    assert "returned None" in checks.check_function(lambda x, y: None, np.add, cases).message
    assert "with an array of shape (2, 2), an array of shape (2, 2)" in \
        checks.check_function(lambda x, y: x - y, np.add, cases).message
    assert "is not a function" in checks.check_function(42, np.add, cases).message


def test_a_function_still_raising_not_implemented_is_unanswered_not_wrong():
    def stub(*args):
        raise NotImplementedError()

    for outcome in (checks.check_function(stub, np.add, [(1, 2)]),
                    checks.check_cases(stub, [(1, 2)], lambda a, b: a + b),
                    checks.check_raises(stub, [(1, 2)])):
        assert not outcome
        assert outcome.message.startswith("Not answered yet: write your code where it says `# YOUR CODE HERE`")


def test_check_function_gives_each_case_fresh_copies():
    def sneaky(x):  # right result, but it changes its input in place
        x[...] = np.maximum(x, 0)
        return x

    x = np.array([[-1.0, 2.0]])
    assert checks.check_function(sneaky, lambda a: np.maximum(a, 0), [(x,), (x,)])
    assert x[0, 0] == -1.0


def test_check_cases_compares_plain_values():
    assert checks.check_cases(lambda a, b: (a, b), [(1, 2)], lambda a, b: (a, b))
    assert checks.check_cases(lambda a, b: [a, b], [(1, 2)], lambda a, b: (a, b))  # a list is fine for a tuple
    wrong = checks.check_cases(lambda a, b: a - b, [(5, 3)], lambda a, b: a + b, hint="add them")
    assert "with 5, 3 it returned 2; expected 8." in wrong.message and "Hint: add them" in wrong.message
    assert "raised KeyError" in checks.check_cases(lambda a: {}[a], [(1,)], lambda a: a).message
    assert "returned None" in checks.check_cases(lambda a: None, [(1,)], lambda a: a).message
    assert checks.check_cases(..., [(1,)], lambda a: a).message.startswith("Not answered yet")


def test_check_raises_wants_the_named_error():
    def strict(x):
        if x < 0:
            raise ValueError("negative")
        return x

    assert checks.check_raises(strict, [(-1,), (-5,)])
    assert "returned 3 instead of raising a ValueError" in checks.check_raises(strict, [(3,)]).message
    typed = checks.check_raises(lambda x: x + "", [(1,)])
    assert "raised TypeError" in typed.message and "expected a ValueError" in typed.message
    assert "is not a function" in checks.check_raises("nope", [(1,)]).message


def test_require_raises_the_feedback_message():
    assert checks.require(checks.correct())
    with pytest.raises(AssertionError, match="Not yet: off by one"):
        checks.require(checks.not_yet("off by one"))


def test_check_number_takes_the_precision_the_question_states():
    exact = -np.log(0.8)  # 0.22314...
    for answer in (exact, 0.223, 0.2231, 0.22314, np.float32(exact)):
        assert checks.check_number(answer, exact, digits=3), answer
    assert checks.check_number(2.45, 2.45125, decimals=2) and checks.check_number(2.4512, 2.45125, decimals=2)
    assert checks.check_number(1230, 1234.5678, digits=3)
    close = checks.check_number(0.22, exact, digits=3, hint="h")
    assert not close and close.problem == "close: give 3 significant digits; 0.22 has 2." and close.hint == "h"
    assert checks.check_number(2.5, 2.45125, decimals=2).problem == "close: give 2 decimals; 2.5 has 1."
    rounded_wrongly = checks.check_number(0.224, exact, digits=3)
    assert rounded_wrongly.problem.startswith("close, but not right to 3 significant digits: round the exact value")
    assert checks.check_number(0.3, exact, digits=3).problem == "your answer is 0.3."
    assert checks.check_number(0.001, 0.0, digits=3).problem == "your answer is 0.001."
    assert checks.check_number(..., exact, digits=3).heading == checks.NOT_ANSWERED
    assert "is not a number" in checks.check_number("0.223", exact, digits=3).problem
    assert "is not a number" in checks.check_number(np.zeros(3), exact, digits=3).problem
    assert "is not a number" in checks.check_number(True, 1.0, digits=3).problem
    assert not checks.check_number(float("nan"), exact, digits=3)
    with pytest.raises(ValueError, match="one of them"):
        checks.check_number(0.2, exact, digits=3, decimals=2)


def test_check_cases_accepts_none_where_none_is_the_answer():
    assert checks.check_cases(lambda n: None if n > 1 else n, [(1,), (2,)], lambda n: None if n > 1 else n)
    assert checks.check_cases(lambda n: None, [(1,)], lambda n: n).problem.startswith("your function returned None")


def test_not_a_function_names_an_unanswered_or_uncallable_answer_and_passes_a_function():
    assert checks.not_a_function(checks.PLACEHOLDER, "write it").hint == "write it"
    assert not checks.not_a_function(None).passed
    refused = checks.not_a_function(42, "a def")
    assert not refused.passed and "42 is not a function" in refused.problem
    assert checks.not_a_function(len) is None

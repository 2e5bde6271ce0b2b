"""The feedback type and the generic checks every exercise is built from.

Every check returns a :class:`Feedback`, a small record: did the answer pass, what is the
problem, a hint, a detail for a right answer. Its :attr:`Feedback.message` is derived from
those fields ("Correct! ..." or "Not yet: ... Hint: ..."), so callers that need a part
(say, the problem to put into a larger message) read the field; nothing parses a message
back. Numbers asked for to a stated precision (:func:`check_number`) pass when
given to that precision, and an answer close but too coarse is told how many digits to give.
Shown as a cell's result a Feedback reads as its message, and it is truthy only
when the answer is right. An answer left as ``...`` (the placeholder in exercise cells)
gets "Not answered yet" rather than an error, and an answer that raises or has the wrong
type gets a message, never a traceback.

The chapter exercises built on these live in :mod:`course_lib.feedback.exercises`, the
assignments' checks in :mod:`course_lib.feedback.assignments`.

Used by the assignments (``require`` in their graded test cells) and by every check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

import numpy as np

PLACEHOLDER = ...

#: The headings a failing Feedback can carry (a passing one always reads "Correct!").
NOT_YET = "Not yet"
NOT_ANSWERED = "Not answered yet"
NOT_READ = "Not read"


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check.

    Attributes:
        passed: whether the answer is right.
        problem: what is wrong (empty when passed).
        hint: what to look at next (may be empty).
        detail: a remark shown after "Correct!" (may be empty).
        heading: the word(s) before a problem: :data:`NOT_YET`, :data:`NOT_ANSWERED`
            or :data:`NOT_READ`.
    """

    passed: bool
    problem: str = ""
    hint: str = ""
    detail: str = ""
    heading: str = NOT_YET

    @property
    def message(self) -> str:
        """The text the learner sees, derived from the fields."""
        if self.passed:
            return "Correct!" + (f" {self.detail}" if self.detail else "")
        return f"{self.heading}: {self.problem}" + (f"\nHint: {self.hint}" if self.hint else "")

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message


def correct(detail: str = "") -> Feedback:
    """Return a passing :class:`Feedback`."""
    return Feedback(True, detail=detail)


def not_yet(problem: str, hint: str = "") -> Feedback:
    """Return a failing :class:`Feedback` that says what is wrong and gives a hint."""
    return Feedback(False, problem, hint)


def unanswered(hint: str = "") -> Feedback:
    """Return the feedback for an answer still left as ``...``."""
    return Feedback(False, "replace `...` with your answer and run the cell again.", hint, heading=NOT_ANSWERED)


def not_written(hint: str = "") -> Feedback:
    """Return the feedback for a function whose body still raises ``NotImplementedError``.

    That is how an assignment hands out a function to write (``# YOUR CODE HERE``).
    """
    return Feedback(False, "write your code where it says `# YOUR CODE HERE`, delete the "
                    "`raise NotImplementedError()` line, and run the cell again.", hint, heading=NOT_ANSWERED)


def unreadable(problem: str, hint: str = "") -> Feedback:
    """Return the feedback for a typed answer that could not be read as a value."""
    return Feedback(False, problem, hint, heading=NOT_READ)


def check_value(answer, expected, *, hint: str = "", detail: str = "") -> Feedback:
    """Check a plain value (number, tuple, string) for equality with ``expected``.

    Numbers compare with float32 precision (relative 1e-6), so ``0.1 + 0.2`` equals
    ``0.3`` and ``128 / 255`` equals ``np.float32(128) / 255``.
    """
    if answer is PLACEHOLDER:
        return unanswered(hint)
    if _equal(answer, expected):
        return correct(detail)
    return not_yet(f"your answer is {answer!r}.", hint)


def check_number(answer, expected: float, *, digits: int | None = None, decimals: int | None = None,
                 hint: str = "", detail: str = "") -> Feedback:
    """Check a number given to the precision the question states.

    The question asks for ``digits`` significant digits or ``decimals`` decimal places (one
    of them). Passes: the exact value (as :func:`check_value` compares), and any answer within
    half a unit of the last digit asked for, so ``0.223`` for ``-log(0.8) = 0.22314...`` at 3
    significant digits. An answer that is right only to a coarser precision (``0.22``) gets
    "close: give 3 significant digits"; one that has enough digits but is rounded wrongly (or
    cut off) is told to round the exact value.
    """
    if (digits is None) == (decimals is None):
        raise ValueError("give the precision as digits (significant) or decimals, one of them")
    if answer is PLACEHOLDER:
        return unanswered(hint)
    if isinstance(answer, (str, bytes, bool)):
        return not_yet(f"{answer!r} is not a number.", hint)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return not_yet(f"{_short(answer)} is not a number.", hint)
    if _equal(value, float(expected)):
        return correct(detail)
    wanted = digits if digits is not None else decimals
    word = "significant digits" if digits is not None else "decimals"
    error = abs(value - float(expected))
    if np.isfinite(value) and error <= _unit(expected, digits, decimals) / 2 * (1 + 1e-9):
        return correct(detail)
    for coarser in range(wanted - 1, -1 if decimals is not None else 0, -1):
        if np.isfinite(value) and error <= _unit(expected, coarser if digits is not None else None,
                                                 coarser if decimals is not None else None) / 2 * (1 + 1e-9):
            given = _given(value, significant=digits is not None)
            if given < wanted:
                return not_yet(f"close: give {wanted} {word}; {_short(answer)} has {given}.", hint)
            return not_yet(f"close, but not right to {wanted} {word}: round the exact value (rather than cutting "
                           f"it off) and check the last digit of {_short(answer)}.", hint)
    return not_yet(f"your answer is {_short(answer)}.", hint)


def _unit(expected: float, digits: int | None, decimals: int | None) -> float:
    """The size of one unit in the last digit asked for (0 for 0 at significant digits: only exact passes)."""
    if decimals is not None:
        return 10.0 ** -decimals
    if expected == 0 or not np.isfinite(expected):
        return 0.0
    return 10.0 ** (math.floor(math.log10(abs(float(expected)))) - digits + 1)


def _given(value: float, *, significant: bool) -> int:
    """How many significant digits (or decimals) the shortest writing of ``value`` has: 0.22 has 2."""
    exact = Decimal(repr(value)).normalize()
    _, figures, exponent = exact.as_tuple()
    if significant:
        return len(figures)
    return max(0, -exponent)


def check_shape(answer, expected_shape, *, hint: str = "", detail: str = "") -> Feedback:
    """Check a shape, given as a tuple (or as an array/tensor whose shape is taken)."""
    if answer is PLACEHOLDER:
        return unanswered(hint)
    shape = getattr(answer, "shape", answer)
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        return not_yet(f"{answer!r} is not a shape; write a tuple such as (2, 3).", hint)
    if shape == tuple(expected_shape):
        return correct(detail)
    return not_yet(f"your shape is {shape}.", hint)


def check_array(answer, expected, *, hint: str = "", detail: str = "", rtol: float = 1e-6,
                atol: float = 1e-9) -> Feedback:
    """Check an array's shape first, then its values (tolerances ``rtol`` and ``atol``).

    ``atol`` lets a typed ``0`` match a computed ``6e-17`` (e.g. ``cos(90°)``).
    """
    if answer is PLACEHOLDER:
        return unanswered(hint)
    expected = np.asarray(expected)
    try:
        answer = np.asarray(answer)
    except Exception as error:  # noqa: BLE001 - any conversion failure is the learner's to see
        return not_yet(f"your answer could not be read as an array ({error}).", hint)
    if answer.shape != expected.shape:
        return not_yet(f"your array has shape {answer.shape}; expected shape {expected.shape}.", hint)
    try:
        same = np.allclose(answer, expected, rtol=rtol, atol=atol, equal_nan=True)
    except TypeError:
        return not_yet(f"your array holds {answer.dtype} values, not numbers.", hint)
    if not same:
        wrong = int(np.sum(~np.isclose(answer, expected, rtol=rtol, atol=atol, equal_nan=True)))
        return not_yet(f"the shape is right, but {wrong} of {expected.size} values differ.", hint)
    return correct(detail)


def check_function(
    function,
    reference: Callable,
    cases: Iterable[tuple],
    *,
    hint: str = "",
    detail: str = "",
    rtol: float = 1e-6,
) -> Feedback:
    """Check a learner's function against a reference on several argument tuples.

    Reports the first case that differs or raises, with its arguments (arrays by shape).
    """

    def judge(args, described, got):
        if got is None:
            return _RETURNED_NONE
        outcome = check_array(got, reference(*_copies(args)), rtol=rtol)
        return None if outcome else f"with {described}: {outcome.problem}"

    return _run_cases(function, cases, judge, hint=hint, detail=detail)


def check_raises(function, cases: Iterable[tuple], error: type[Exception] = ValueError, *,
                 hint: str = "", detail: str = "") -> Feedback:
    """Check that ``function`` refuses every argument tuple in ``cases`` with ``error``.

    A clear error on bad input is part of an answer: this is how a question checks it.
    """

    def judge(args, described, got):
        return f"with {described} it returned {_short(got)} instead of raising a {error.__name__}."

    return _run_cases(function, cases, judge, hint=hint, detail=detail, expected_error=error)


def check_cases(function, cases: Iterable[tuple], expected: Callable, *, hint: str = "",
                detail: str = "") -> Feedback:
    """Check a function whose results are plain values (numbers, tuples, strings).

    ``expected(*args)`` gives the right result for each argument tuple; results compare
    as in :func:`check_value`. Reports the first case that differs or raises. A result of
    None means "you did not write a return" unless the right result for that case is None.
    """

    def judge(args, described, got):
        want = expected(*args)
        if got is None and want is not None:
            return _RETURNED_NONE
        return None if _equal(got, want) else f"with {described} it returned {_short(got)}; expected {_short(want)}."

    return _run_cases(function, cases, judge, hint=hint, detail=detail)


_RETURNED_NONE = "your function returned None: write its body and `return` the result."


def not_a_function(function, hint: str = "") -> Feedback | None:
    """The feedback for an answer that is no function yet (unanswered, or not callable); None for a function."""
    if function is PLACEHOLDER or function is None:
        return unanswered(hint)
    if not callable(function):
        return not_yet(f"{function!r} is not a function.", hint)
    return None


def _run_cases(function, cases, judge, *, hint: str, detail: str, expected_error=None) -> Feedback:
    """Call ``function`` on each case; ``judge(args, described, result)`` names a problem or returns None.

    Shared by the function checks: an unanswered or non-callable answer, a stub that still
    raises ``NotImplementedError`` and an unexpected exception each get their message here.
    An ``expected_error`` counts as the right outcome of a case.
    """
    if (refused := not_a_function(function, hint)) is not None:
        return refused
    for args in cases:
        described = ", ".join(_describe(a) for a in args)
        try:
            got = function(*_copies(args))
        except NotImplementedError:
            return not_written(hint)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            if expected_error is not None and isinstance(error, expected_error):
                continue
            problem = f"with {described} it raised {type(error).__name__}: {error}"
            if expected_error is not None:
                problem += f"; expected a {expected_error.__name__} with a message."
            return not_yet(problem, hint)
        problem = judge(args, described, got)
        if problem:
            return not_yet(problem, hint)
    return correct(detail)


def require(feedback: Feedback) -> Feedback:
    """Turn a failing :class:`Feedback` into an ``AssertionError`` with its message.

    Graded test cells use it: a check that passes is silent there, one that fails stops
    the cell with the same kind message the learner saw.
    """
    if not feedback:
        raise AssertionError(feedback.message)
    return feedback


def _copies(args: tuple) -> tuple:
    """Copy array arguments, so a function that changes its input cannot spoil later cases."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return _short(value)


def _short(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _equal(answer, expected) -> bool:
    if isinstance(expected, (tuple, list)):
        try:
            return len(answer) == len(expected) and all(_equal(a, e) for a, e in zip(answer, expected))
        except TypeError:
            return False
    if isinstance(expected, (int, float, np.number)) and not isinstance(expected, bool):
        if isinstance(answer, (str, bytes)):
            return False
        try:
            return bool(np.isclose(float(answer), float(expected), rtol=1e-6, atol=1e-9))  # float32 precision
        except (TypeError, ValueError):
            return False
    try:
        return bool(answer == expected)
    except (TypeError, ValueError):
        return False

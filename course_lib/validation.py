"""Check the values a function is given: finite numbers, finite arrays of a shape, whole numbers.

Every public function of the topic modules (geometry, graph, optimization, training)
validates its arguments with these helpers, so bad input is refused the same way
everywhere: a ``ValueError`` whose message names the argument, says what it must be and
shows what it got. Each helper returns the value converted (a ``float``, a float array,
an ``int``), so a caller writes ``steps = as_whole_number(steps, "steps", minimum=0)``.

The ``as_`` prefix marks validators; ``check_`` names are reserved for learner feedback
(:mod:`course_lib.feedback`).

Used inside the library (no notebook imports it directly).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: Longest repr of a bad value quoted in a message (a huge array must not flood the page).
_QUOTE_LIMIT = 60


def _quote(value) -> str:
    text = repr(value)
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 3] + "..."


def _range_words(minimum, maximum, *, below: bool = False) -> str:
    """Say a range in words: " from 0 to 1", " of at least 1", " from 0 up to (not including) 1"."""
    top = "up to (not including) " if below else "to "
    if minimum is not None and maximum is not None:
        return f" from {minimum:g} {top}{maximum:g}"
    if minimum is not None:
        return f" of at least {minimum:g}"
    if maximum is not None:
        return f" below {maximum:g}" if below else f" of at most {maximum:g}"
    return ""


def as_finite_number(value, name: str, *, minimum: float | None = None, maximum: float | None = None,
                     below: bool = False, positive: bool = False) -> float:
    """Return ``value`` as a finite ``float``, or raise ``ValueError`` naming ``name``.

    Args:
        value: an int, float or NumPy number (strings and booleans are refused: a typed
            ``"0.1"`` is text to parse first, and ``True`` is not a quantity).
        name: the argument's name, used in the message.
        minimum, maximum: inclusive bounds, if any (``maximum`` is exclusive with ``below``).
        positive: require ``value > 0``.
    """
    bounded = minimum is not None and maximum is not None  # a range already rules out infinities
    noun = "a positive, finite number" if positive else "a number" if bounded else "a finite number"
    wanted = noun + _range_words(minimum, maximum, below=below)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {wanted}; got {_quote(value)}.")
    number = float(value)
    outside = ((minimum is not None and number < minimum) or (positive and number <= 0)
               or (maximum is not None and (number >= maximum if below else number > maximum)))
    if not math.isfinite(number) or outside:
        raise ValueError(f"{name} must be {wanted}; got {_quote(value)}.")
    return number


def as_whole_number(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``, or raise ``ValueError`` naming ``name``.

    Accepts ints, NumPy integers and floats with no fractional part (``10.0``); refuses
    strings, booleans, ``2.5`` and non-finite values.
    """
    wanted = "a whole number" + _range_words(minimum, maximum)
    refused = ValueError(f"{name} must be {wanted}; got {_quote(value)}.")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise refused
    if not isinstance(value, numbers.Integral) and not (math.isfinite(value) and float(value).is_integer()):
        raise refused
    whole = int(value)
    if (minimum is not None and whole < minimum) or (maximum is not None and whole > maximum):
        raise refused
    return whole


def as_finite_array(value, name: str, shape: tuple | None = None, *, what: str | None = None) -> np.ndarray:
    """Return ``value`` as a finite float array (of ``shape``, if given), or raise ``ValueError``.

    Args:
        value: anything NumPy reads as numbers (list, tuple, array).
        name: the argument's name, used in the message.
        shape: the required shape; ``None`` accepts any. An entry ``None`` accepts any
            length on that axis, e.g. ``(None, 2)`` for points in the plane.
        what: how to say the shape in words, e.g. ``"a 2x2 matrix"``.
    """
    be = f"be {what} and " if what else ""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must {be}hold numbers; got {_quote(value)}.") from None
    if shape is not None:
        fits = array.ndim == len(shape) and all(want is None or got == want for got, want in zip(array.shape, shape))
        if not fits:
            wanted = ("(" + ", ".join("n" if d is None else str(d) for d in shape)
                      + ("," if len(shape) == 1 else "") + ")")
            must = f"be {what}, shape {wanted}" if what else f"have shape {wanted}"
            raise ValueError(f"{name} must {must}; got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers (no NaN or infinity); got {_quote(array.tolist())}.")
    return array

"""Time a naive implementation against a vectorised one and report a stable ratio.

Introduced in notebook 03 ("naive vs vectorised").
"""

from __future__ import annotations

import timeit
from dataclasses import dataclass
from typing import Callable

from course_lib.validation import as_whole_number


@dataclass(frozen=True)
class SpeedComparison:
    """The result of :func:`compare_speed`.

    Attributes:
        naive_seconds, fast_seconds: best total time of ``number`` calls, over ``repeat`` tries.
        number: calls per try.
        repeat: tries; the best (smallest) is kept because noise only ever adds time.
    """

    naive_seconds: float
    fast_seconds: float
    number: int
    repeat: int
    naive_label: str = "naive"
    fast_label: str = "vectorised"

    @property
    def ratio(self) -> float:
        """How many times faster the fast version is (naive time / fast time)."""
        return self.naive_seconds / self.fast_seconds if self.fast_seconds > 0 else float("inf")

    def __str__(self) -> str:
        width = max(len(self.naive_label), len(self.fast_label))
        runs = f"for {self.number} runs (best of {self.repeat})"
        return (
            f"{self.naive_label:<{width}}  {self.naive_seconds:8.4f} s {runs}\n"
            f"{self.fast_label:<{width}}  {self.fast_seconds:8.4f} s {runs}\n"
            f"{self.fast_label} is {self.ratio:,.0f}x faster"
        )


def best_time(function: Callable[[], object], *, number: int = 1, repeat: int = 3) -> float:
    """Return the best total time, in seconds, of ``number`` calls to ``function`` over ``repeat`` tries."""
    number, repeat = _as_counts(number, repeat)
    return min(timeit.Timer(function).repeat(repeat=repeat, number=number))


def compare_speed(
    naive: Callable[[], object],
    fast: Callable[[], object],
    *,
    number: int = 1000,
    repeat: int = 3,
    naive_label: str = "naive",
    fast_label: str = "vectorised",
) -> SpeedComparison:
    """Time two zero-argument functions that do the same work, in one run.

    Tries alternate between the two (naive, fast, naive, fast, ...) so that a slow
    moment of the machine does not bias one side, and each keeps its best try.

    Args:
        naive, fast: functions to compare, e.g. ``lambda: naive_relu(naive_add(x, y))``.
        number: calls per try (the curriculum's demo uses 1000).
        repeat: tries per function.
    """
    number, repeat = _as_counts(number, repeat)
    naive_times, fast_times = [], []
    for _ in range(repeat):
        naive_times.append(timeit.Timer(naive).timeit(number))
        fast_times.append(timeit.Timer(fast).timeit(number))
    return SpeedComparison(min(naive_times), min(fast_times), number, repeat, naive_label, fast_label)


def _as_counts(number, repeat) -> tuple[int, int]:
    return as_whole_number(number, "number", minimum=1), as_whole_number(repeat, "repeat", minimum=1)

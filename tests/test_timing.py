"""The timing helper keeps the best of several tries and reports the ratio."""

import time

import pytest

from course_lib.timing import SpeedComparison, best_time, compare_speed


def test_compare_speed_finds_the_slower_function():
    result = compare_speed(lambda: time.sleep(0.004), lambda: None, number=3, repeat=2)
    assert result.naive_seconds >= 3 * 0.004
    assert result.fast_seconds < result.naive_seconds
    assert result.ratio > 10
    assert (result.number, result.repeat) == (3, 2)


def test_best_time_is_the_minimum_over_tries(monkeypatch):
    tries = iter([[0.5, 0.2, 0.9]])
    monkeypatch.setattr("timeit.Timer.repeat", lambda self, repeat, number: next(tries))
    assert best_time(lambda: None, number=10, repeat=3) == 0.2


def test_tries_alternate_between_the_two_functions():
    order = []
    compare_speed(lambda: order.append("naive"), lambda: order.append("fast"), number=1, repeat=3)
    assert order == ["naive", "fast"] * 3


def test_report_text():
    text = str(SpeedComparison(2.5, 0.0125, 1000, 3, "naive loops", "vectorised NumPy"))
    assert "naive loops" in text and "for 1000 runs (best of 3)" in text
    assert text.endswith("vectorised NumPy is 200x faster")


def test_zero_fast_time_gives_infinite_ratio():
    assert SpeedComparison(1.0, 0.0, 1, 1).ratio == float("inf")


@pytest.mark.parametrize("number, repeat, name", [(0, 3, "number"), (10, 0, "repeat"), (-1, 1, "number"),
                                                  (2.5, 1, "number"), ("10", 1, "number")])
def test_bad_counts_are_rejected(number, repeat, name):
    with pytest.raises(ValueError, match=f"^{name} must be a whole number of at least 1"):
        compare_speed(lambda: None, lambda: None, number=number, repeat=repeat)
    with pytest.raises(ValueError, match=f"^{name} must be a whole number of at least 1"):
        best_time(lambda: None, number=number, repeat=repeat)

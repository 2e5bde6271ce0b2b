"""Each chapter exercise accepts the right answer, rejects a wrong one, and hints."""

import math

import numpy as np
import pytest

from course_lib import exercises

RNG = np.random.default_rng(1)
IMAGES = RNG.integers(0, 256, size=(600, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=600).astype(np.uint8)


def naive_multiply(x, y):
    z = x.astype(np.result_type(x, y))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i, j] *= y[i, j]
    return z


RIGHT_AND_WRONG = [
    (lambda a: exercises.check_digit_count(a, LABELS, digit=5), int(np.bincount(LABELS)[5]), 0),
    (exercises.check_dense_parameters, 401_920, 784 * 512),
    (exercises.check_scaled_pixel, 128 / 255, 128),
    (exercises.check_crossentropy, -np.log(0.8), np.log(0.8)),
    (lambda a: exercises.check_rank_and_shape(a, [[1, 2, 3], [4, 5, 6]]), (2, (2, 3)), (2, (3, 2))),
    (exercises.check_gradient_updates, 2345, 5 * 60000 // 128),
    (lambda a: exercises.check_accuracy_by_hand(a, 0.9781), 0.9782, 0.95),
    (lambda a: exercises.check_label_attributes(a, LABELS), (1, (600,), "uint8"), (1, (600,), "int64")),
    (lambda a: exercises.check_top_left_corner(a, IMAGES), IMAGES[:, :14, :14], IMAGES[:, 14:, 14:]),
    (lambda a: exercises.check_batch(a, IMAGES, n=3), IMAGES[384:512], IMAGES[383:511]),
    (exercises.check_video_shape, (10, 300, 64, 64, 3), (10, 30, 64, 64, 3)),
    (exercises.check_naive_multiply, naive_multiply, lambda x, y: x + y),
    (exercises.check_broadcast_shape, (8, 5, 4), (5, 4)),
    (exercises.check_product_shape, (2, 3, 4, 6), (2, 3, 4, 5, 6)),
    (exercises.check_flat_index, 94, 3 * 10 + 28),
]


@pytest.mark.parametrize("check, right, wrong", RIGHT_AND_WRONG)
def test_right_wrong_and_unanswered(check, right, wrong):
    assert check(right), check(right).message
    feedback = check(wrong)
    assert not feedback and feedback.message.startswith("Not yet") and "Hint:" in feedback.message
    unanswered = check(...)
    assert not unanswered and unanswered.message.startswith("Not answered yet")


def test_gradient_update_count_matches_the_curriculum():
    assert 5 * math.ceil(60000 / 128) == 2345
    assert exercises.check_gradient_updates(2345).message == "Correct! 469 steps per epoch x 5 epochs."


def test_accuracy_by_hand_rejects_non_numbers():
    assert "is not a number" in exercises.check_accuracy_by_hand("high", 0.97).message

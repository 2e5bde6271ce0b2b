"""Each chapter exercise accepts the right answer, rejects a wrong one, and hints."""

import math

import numpy as np
import pytest

from course_lib import geometry
from course_lib.feedback import exercises

RNG = np.random.default_rng(1)
IMAGES = RNG.integers(0, 256, size=(600, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=600).astype(np.uint8)


V1, C1 = np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([1.0, 0.0])
V2, C2 = np.array([[0.0, 1.0], [-1.0, 0.0]]), np.array([0.0, 2.0])
MOONS, MOON_LABELS = geometry.make_moons(40, seed=0)
RUN = geometry.train_tiny_network(MOONS, MOON_LABELS, layers=2, steps=20, seed=0)
W_FIRST, B_FIRST = RUN.network.hidden[0]
FIRST_LAYER = np.tanh(MOONS @ W_FIRST.T + B_FIRST)


def unpack(answer):
    """Two-part answers (W, b) are left as `...` for both parts until answered."""
    return (..., ...) if answer is ... else answer


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
    (exercises.check_vector_sum, np.array([1.5, 1.25]), np.array([0.5, 1.0])),
    (exercises.check_translation, np.array([-0.7, -1.0]), np.array([0.7, 1.0])),
    (exercises.check_rotation_90, [[0, -1], [1, 0]], [[0, 1], [-1, 0]]),
    (exercises.check_scaling, [[2, 0], [0, 0.5]], [[0.5, 0], [0, 2]]),
    (lambda a: exercises.check_square_to_parallelogram(*unpack(a)),
     ([[1, 0.5], [0.5, 1.5]], [1, 0]), ([[1, 0.5], [0.5, 1.5]], [0, 0])),
    (lambda a: exercises.check_collapsed_layers(*unpack(a), V1, C1, V2, C2),
     (V2 @ V1, V2 @ C1 + C2), (V1 @ V2, V2 @ C1 + C2)),
    (lambda a: exercises.check_relu_points(a, [[-1, 2], [0.5, -0.3]]), [[0, 2], [0.5, 0]], [[1, 2], [0.5, 0.3]]),
    (lambda a: exercises.check_first_layer(a, RUN.network, MOONS), FIRST_LAYER, FIRST_LAYER + 0.1),
    (exercises.check_parameter_count, 407_050, 784 * 512 + 512 * 10),
    (exercises.check_derivative_by_hand, 8, 6),
    (exercises.check_gradient_step, 2.4, 2.7),
    (exercises.check_learning_rate_choice, 0.5, 0.01),
    (exercises.check_momentum_step, 1.202, 1.58),
    (exercises.check_chain_rule, 24, 8),
    (exercises.check_backward_pass, (-2, -1), (2, 1)),
    (exercises.check_tape_derivative, 12.0, 8.0),
    (exercises.check_kernel_shape, (512, 10), (10, 512)),
    (exercises.check_num_batches, 600, 601),
    (exercises.check_sgd_update, 0.498, 0.502),
    (exercises.check_gradient_scaling, (10, 1), (10, 10)),
    (exercises.check_weight_tensor_count, 6, 3),
    (exercises.check_chance_accuracy, 0.1, 0.5),
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


def test_parallelogram_and_collapse_checks_explain_bad_matrices():
    assert "W must be a 2x2 matrix" in exercises.check_square_to_parallelogram([1, 2], [0, 0]).message
    feedback = exercises.check_collapsed_layers(V2 @ V1, [9, 9], V1, C1, V2, C2)
    assert feedback.message.startswith("Not yet: W is right, b is not")


def test_learning_rate_choice_explains_refused_values():
    assert "positive, finite number" in exercises.check_learning_rate_choice(-1).message
    assert "moved away from the minimum (w = 3.07e+03)" in exercises.check_learning_rate_choice(1.5).message
    assert "not yet within 0.01" in exercises.check_learning_rate_choice(0.01).message


def test_tape_check_accepts_tensor_like_answers():
    class FakeTensor:
        def numpy(self):
            return np.float32(12.0)

    assert exercises.check_tape_derivative(FakeTensor())


def test_exercises_1_3_and_1_4_accept_the_rounded_values_their_solutions_give():
    """The solutions say "about 0.223" and "about 0.502": 3 significant digits, as the questions ask."""
    for check, exact, rounded, coarse in ((exercises.check_crossentropy, -np.log(0.8), 0.223, 0.22),
                                          (exercises.check_scaled_pixel, 128 / 255, 0.502, 0.5)):
        assert check(exact) and check(rounded) and check(np.float32(exact)), check(rounded).message
        feedback = check(coarse)
        assert not feedback and feedback.problem.startswith("close: give 3 significant digits"), feedback.message
    assert "check the last digit of 0.501" in exercises.check_scaled_pixel(0.501).message
    assert exercises.check_crossentropy(2.3, probability=0.1, digits=2)

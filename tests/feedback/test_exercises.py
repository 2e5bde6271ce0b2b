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


def test_exercise_5_6_accepts_3_significant_digits_and_asks_for_them_when_coarser():
    assert exercises.check_momentum_step(1.202) and exercises.check_momentum_step(1.20)
    feedback = exercises.check_momentum_step(1.0)
    assert not feedback and feedback.problem.startswith("close: give 3 significant digits"), feedback.message
    assert not exercises.check_momentum_step(1.58)


def test_broadcast_shape_check_follows_the_size_1_rule():
    assert exercises.check_broadcast_shape((6, 5, 4), (6, 1, 4), (5, 1))
    feedback = exercises.check_broadcast_shape((6, 1, 4), (6, 1, 4), (5, 1))
    assert not feedback and "length 1" in feedback.message


def test_falling_speed_check_wants_speed_then_acceleration():
    class FakeTensor:
        def __init__(self, value):
            self.value = value

        def numpy(self):
            return np.float32(self.value)

    assert exercises.check_falling_speed((29.4, 9.8)) and exercises.check_falling_speed((FakeTensor(29.4), 9.8))
    assert exercises.check_falling_speed((19.6, 9.8), t=2)
    assert "the speed is not right" in exercises.check_falling_speed((9.8, 29.4)).message
    assert "close: give 3 significant digits" in exercises.check_falling_speed((29, 9.8)).message
    assert "the acceleration is not right" in exercises.check_falling_speed((29.4, 0.0)).message
    assert "give two numbers" in exercises.check_falling_speed(29.4).message
    assert "Not answered" in exercises.check_falling_speed(...).message


# --- Chapter 6 (notebook 06): code exercises; they need Keras ------------------------------


@pytest.mark.keras
def test_update_weights_check_accepts_the_step_and_names_each_mistake():
    from course_lib import training

    def by_hand(gradients, weights, learning_rate=1e-3):
        for g, w in zip(gradients, weights):
            w.assign(w - g * learning_rate)

    def uphill(gradients, weights, learning_rate=1e-3):
        for g, w in zip(gradients, weights):
            w.assign(w + g * learning_rate)

    def fixed_rate(gradients, weights, learning_rate=1e-3):
        by_hand(gradients, weights, 1e-3)

    def returns_values(gradients, weights, learning_rate=1e-3):
        return [w - g * learning_rate for g, w in zip(gradients, weights)]

    assert exercises.check_update_weights(by_hand) and exercises.check_update_weights(training.update_weights)
    assert "moved up the gradient" in exercises.check_update_weights(uphill).message
    assert "learning_rate=0.1 weight tensor 0 moved by the wrong amount" in exercises.check_update_weights(
        fixed_rate).message
    message = exercises.check_update_weights(returns_values).message
    assert "did not change. It returned new values" in message and "Hint:" in message
    assert exercises.check_update_weights(lambda g, w: None).message.startswith("Not yet: with the default")
    assert exercises.check_update_weights(...).message.startswith("Not answered yet")
    assert "raised ZeroDivisionError" in exercises.check_update_weights(lambda g, w: 1 / 0).message


def test_shuffled_batch_generator_check():
    from course_lib import training

    class Shuffled(training.BatchGenerator):
        def __init__(self, images, labels, batch_size=128):
            super().__init__(images, labels, batch_size, shuffle=True)

    class SeparatelyShuffled(training.BatchGenerator):
        def __init__(self, images, labels, batch_size=128):
            super().__init__(np.random.permutation(images), np.random.permutation(labels), batch_size)

    class SameOrderEveryTime(training.BatchGenerator):
        def __init__(self, images, labels, batch_size=128):
            super().__init__(images, labels, batch_size, shuffle=True, seed=0)

    class DropsTheLastBatch(Shuffled):
        def __init__(self, images, labels, batch_size=128):
            super().__init__(images, labels, batch_size)
            self.num_batches = len(images) // batch_size

    assert exercises.check_shuffled_batch_generator(Shuffled)
    assert "original order" in exercises.check_shuffled_batch_generator(training.BatchGenerator).message
    assert "shuffled separately" in exercises.check_shuffled_batch_generator(SeparatelyShuffled).message
    assert "all used the same order" in exercises.check_shuffled_batch_generator(SameOrderEveryTime).message
    assert "num_batches is 6" in exercises.check_shuffled_batch_generator(DropsTheLastBatch).message
    assert exercises.check_shuffled_batch_generator(...).message.startswith("Not answered yet")

    class Stub:
        def __init__(self, images, labels, batch_size=128):
            pass

    assert "missing something BatchGenerator has" in exercises.check_shuffled_batch_generator(Stub).message


@pytest.mark.keras
def test_evaluate_check_compares_with_the_reference():
    from keras import ops

    from course_lib import training

    def by_hand(model, images, labels):
        predicted_labels = ops.argmax(model(images), axis=1)
        return float(ops.mean(ops.cast(ops.equal(predicted_labels, labels), "float32")))

    def argmin(model, images, labels):
        return float(np.mean(np.asarray(model(images)).argmin(axis=1) == labels))

    assert exercises.check_evaluate(by_hand) and exercises.check_evaluate(training.evaluate)
    feedback = exercises.check_evaluate(argmin)
    assert not feedback and "four rows of known probabilities it returned" in feedback.message
    assert "returned None" in exercises.check_evaluate(lambda m, x, y: None).message
    assert "not a number" in exercises.check_evaluate(lambda m, x, y: "high").message
    assert exercises.check_evaluate(...).message.startswith("Not answered yet")

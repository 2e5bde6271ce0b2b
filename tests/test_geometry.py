"""Geometry of 2D maps: properties that must hold for any angle, matrix or point."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import geometry as geo

FINITE = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
ANGLES = st.floats(-720, 720, allow_nan=False)
POINTS = arrays(float, st.tuples(st.integers(1, 20), st.just(2)), elements=FINITE)
MATRICES = arrays(float, (2, 2), elements=FINITE)
VECTORS = arrays(float, (2,), elements=FINITE)
SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(POINTS, ANGLES)
def test_rotation_preserves_lengths_and_angles(points, degrees):
    R = geo.rotation_matrix(degrees)
    rotated = geo.linear(points, R)
    np.testing.assert_allclose(np.linalg.norm(rotated, axis=1), np.linalg.norm(points, axis=1), atol=1e-9)
    # angles between points, through the origin: dot products are preserved too
    np.testing.assert_allclose(rotated @ rotated.T, points @ points.T, atol=1e-8 * (1 + np.abs(points).max() ** 2))
    assert math.isclose(np.linalg.det(R), 1.0, abs_tol=1e-12)


@SETTINGS
@given(POINTS, ANGLES)
def test_rotating_back_is_the_inverse(points, degrees):
    there = geo.linear(points, geo.rotation_matrix(degrees))
    np.testing.assert_allclose(geo.linear(there, geo.rotation_matrix(-degrees)), points, atol=1e-9)


@SETTINGS
@given(POINTS, MATRICES, VECTORS)
def test_affine_inverse_recovers_the_points(points, W, b):
    with np.errstate(divide="ignore", invalid="ignore"):  # singular draws are filtered out just below
        determinant = np.linalg.det(W)
    assume(abs(determinant) > 1e-2)
    y = geo.affine(points, W, b)
    W_inv = np.linalg.inv(W)
    np.testing.assert_allclose(geo.affine(y, W_inv, -W_inv @ b), points,
                               atol=1e-6 * (1 + np.abs(points).max()) * np.linalg.cond(W))


@SETTINGS
@given(POINTS, MATRICES, VECTORS, MATRICES, VECTORS)
def test_two_affine_layers_collapse_into_one(points, W1, b1, W2, b2):
    W, b = geo.compose_affine(W1, b1, W2, b2)
    two = geo.affine(geo.affine(points, W1, b1), W2, b2)
    np.testing.assert_allclose(geo.affine(points, W, b), two, atol=1e-9 * (1 + np.abs(two).max()))


@SETTINGS
@given(POINTS, MATRICES, VECTORS)
def test_composing_with_the_identity_changes_nothing(points, W, b):
    W_id, b_id = geo.compose_affine(np.eye(2), np.zeros(2), W, b)
    np.testing.assert_array_equal(W_id, W)
    np.testing.assert_array_equal(b_id, b)


@SETTINGS
@given(POINTS)
def test_relu_folds_onto_the_positive_quarter(points):
    folded = geo.relu(points)
    assert (folded >= 0).all()
    np.testing.assert_array_equal(geo.relu(folded), folded)  # folding twice = folding once
    inside = (points >= 0).all(axis=1)
    np.testing.assert_array_equal(folded[inside], points[inside])  # the positive quarter stays put


def test_relu_breaks_the_collapse():
    """With relu between, no single affine map reproduces two layers (on this example)."""
    W1, b1, W2, b2 = np.eye(2), np.array([-0.5, -0.5]), np.eye(2), np.zeros(2)
    points = geo.grid_shape().points
    with_relu = geo.affine(geo.relu(geo.affine(points, W1, b1)), W2, b2)
    W, b = geo.compose_affine(W1, b1, W2, b2)
    assert not np.allclose(with_relu, geo.affine(points, W, b))


def test_matrices_of_the_curriculum():
    np.testing.assert_allclose(geo.rotation_matrix(90), [[0, -1], [1, 0]], atol=1e-15)
    np.testing.assert_array_equal(geo.scaling_matrix(2, 0.5), [[2, 0], [0, 0.5]])
    np.testing.assert_array_equal(geo.translate([[0.5, 1.0]], [1.0, 0.25]), [[1.5, 1.25]])
    np.testing.assert_allclose(geo.linear([1, 0], geo.rotation_matrix(90)), [[0, 1]], atol=1e-15)


@pytest.mark.parametrize("call, message", [
    (lambda: geo.affine(np.zeros((3, 3)), np.eye(2), np.zeros(2)),
     r"points must be one point per row, shape \(n, 2\); got shape \(3, 3\)"),
    (lambda: geo.linear([[1, 2]], np.eye(3)), r"W must be a 2x2 matrix, shape \(2, 2\); got shape \(3, 3\)"),
    (lambda: geo.linear([[1, 2]], [[1, np.inf], [0, 1]]), "W must hold finite numbers"),
    (lambda: geo.translate([[1, 2]], [1, 2, 3]), r"b must be a vector of 2 numbers, shape \(2,\); got shape \(3,\)"),
    (lambda: geo.translate([[1, 2]], [np.nan, 0]), "b must hold finite numbers"),
    (lambda: geo.compose_affine(np.eye(2), [0, 0], "abc", [0, 0]), "W2 must be a 2x2 matrix"),
    (lambda: geo.make_moons(1), "n must be a whole number of at least 2"),
])
def test_bad_input_gets_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_shapes_are_dense_polylines():
    f = geo.letter_f()
    assert len(f.parts) == 1 and len(f.points) > 100
    np.testing.assert_array_equal(f.parts[0][0], f.parts[0][-1])  # closed outline
    grid = geo.grid_shape(extent=1.0, lines=5)
    assert len(grid.parts) == 10 and np.abs(grid.points).max() == 1.0
    moved = f.map(lambda p: p + 1)
    np.testing.assert_array_equal(moved.points, f.points + 1)


def test_densify_keeps_corners_and_spacing():
    line = geo.densify([(0, 0), (1, 0)], step=0.1)
    assert line[0].tolist() == [0, 0] and line[-1].tolist() == [1, 0]
    assert np.diff(line[:, 0]).max() <= 0.1 + 1e-12


def test_moons_are_balanced_deterministic_and_not_linearly_separable():
    points, labels = geo.make_moons(200, seed=0)
    again, _ = geo.make_moons(200, seed=0)
    np.testing.assert_array_equal(points, again)
    assert points.shape == (200, 2) and np.bincount(labels).tolist() == [100, 100]
    # the best single line (least squares on the labels) gets well short of all points right
    X = np.column_stack([points, np.ones(200)])
    w = np.linalg.lstsq(X, labels * 2 - 1, rcond=None)[0]
    assert np.mean((X @ w > 0) == labels) < 0.95


def test_tiny_network_uncrumples_the_moons_repeatably():
    points, labels = geo.make_moons(200, seed=0)
    run = geo.train_tiny_network(points, labels, layers=4, steps=600, seed=0, snapshots=5)
    again = geo.train_tiny_network(points, labels, layers=4, steps=600, seed=0, snapshots=5)
    assert run.losses == again.losses
    assert run.network.accuracy(points, labels) == 1.0
    assert run.losses[-1] < run.losses[0] / 10
    assert [step for step, _ in run.snapshots] == [0, 150, 300, 450, 600]
    assert run.snapshots[0][1].accuracy(points, labels) < 0.9  # it really had to learn
    stages = run.network.layer_outputs(points)
    assert len(stages) == 5 and all(s.shape == (200, 2) for s in stages)


def test_backward_pass_matches_finite_differences():
    """The hand-written backward pass is the true gradient: one Adam step from a copy must
    move each weight against the sign of its numerical derivative."""
    points, labels = geo.make_moons(40, seed=1)
    start = geo.train_tiny_network(points, labels, layers=2, steps=1, seed=3, learning_rate=1e-4, snapshots=2)
    before, after = start.snapshots[0][1], start.snapshots[-1][1]

    def loss(net):
        p = net.predict_proba(points)
        return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))

    eps = 1e-6
    for k, (W, _) in enumerate(before.hidden):
        for i in range(2):
            for j in range(2):
                bumped = before.copy()
                bumped.hidden[k][0][i, j] += eps
                slope = (loss(bumped) - loss(before)) / eps
                moved = after.hidden[k][0][i, j] - W[i, j]
                if abs(slope) > 1e-4:
                    assert np.sign(moved) == -np.sign(slope)


@pytest.mark.parametrize("kwargs, message", [
    (dict(activation="sigmoid"), "activation must be one of"),
    (dict(steps=0), "at least 1"),
    (dict(learning_rate=-1.0), "learning_rate must be a positive, finite number"),
    (dict(learning_rate=float("nan")), "learning_rate must be a positive, finite number"),
    (dict(layers="4"), "layers must be a whole number"),
])
def test_training_rejects_bad_settings(kwargs, message):
    points, labels = geo.make_moons(20)
    with pytest.raises(ValueError, match=message):
        geo.train_tiny_network(points, labels, **kwargs)


def test_training_rejects_bad_labels():
    points, _ = geo.make_moons(20)
    with pytest.raises(ValueError, match="labels must be 20 values of 0 or 1"):
        geo.train_tiny_network(points, np.full(20, 2))

"""The geometry of tensor operations in the plane, in plain NumPy.

Points are the rows of an array of shape ``(n, 2)``. A Dense layer writes its map for one
point ``x`` (a column) as ``W @ x + b``; for all rows at once that is
``points @ W.T + b``, which is what :func:`affine` computes. Shapes are lists of
polylines, sampled densely so that a bending map such as relu shows its folds.

The second half holds the "uncrumpling" demo: two interleaved half-moons that no line
separates, and a tiny network with 2D hidden layers, trained here in NumPy in well under
a second, whose layers can be looked at one by one.

Introduced in notebook 04.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from course_lib.validation import as_finite_array, as_finite_number, as_whole_number

# --- checking input ---------------------------------------------------------------------


def as_points(points, name: str = "points") -> np.ndarray:
    """Return ``points`` as a finite float array of shape ``(n, 2)`` (one point per row).

    A single point of shape ``(2,)`` becomes one row. Anything else raises a ValueError
    naming ``name``.
    """
    try:
        single = np.shape(points) == (2,)
    except ValueError:  # ragged nesting: as_finite_array says what is wrong
        single = False
    if single:
        points = [points]
    return as_finite_array(points, name, (None, 2), what="one point per row")


def as_matrix(W, name: str = "W") -> np.ndarray:
    """Return ``W`` as a finite 2x2 float matrix, or raise a clear ValueError."""
    return as_finite_array(W, name, (2, 2), what="a 2x2 matrix")


def as_vector(b, name: str = "b") -> np.ndarray:
    """Return ``b`` as a finite float vector of shape ``(2,)``, or raise a clear ValueError."""
    return as_finite_array(b, name, (2,), what="a vector of 2 numbers")


# --- the maps ---------------------------------------------------------------------------


def rotation_matrix(degrees: float) -> np.ndarray:
    """Return the matrix that rotates points counter-clockwise by ``degrees``."""
    theta = math.radians(as_finite_number(degrees, "degrees"))
    return np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])


def scaling_matrix(sx: float, sy: float) -> np.ndarray:
    """Return the diagonal matrix that scales x by ``sx`` and y by ``sy``."""
    return np.array([[as_finite_number(sx, "sx"), 0.0], [0.0, as_finite_number(sy, "sy")]])


def translate(points, b) -> np.ndarray:
    """Add the vector ``b`` to every point."""
    return as_points(points) + as_vector(b)


def linear(points, W) -> np.ndarray:
    """Apply ``x -> W @ x`` to every point (row)."""
    return as_points(points) @ as_matrix(W).T


def affine(points, W, b) -> np.ndarray:
    """Apply ``x -> W @ x + b`` to every point: a Dense layer without activation."""
    return as_points(points) @ as_matrix(W).T + as_vector(b)


def relu(points) -> np.ndarray:
    """Apply relu to each coordinate: points with a negative coordinate are folded onto an axis."""
    return np.maximum(as_points(points), 0.0)


def compose_affine(W1, b1, W2, b2) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(W, b)`` of the single affine map equal to ``x -> W2 @ (W1 @ x + b1) + b2``.

    That is ``W = W2 @ W1`` and ``b = W2 @ b1 + b2``.
    """
    W1, W2 = as_matrix(W1, "W1"), as_matrix(W2, "W2")
    b1, b2 = as_vector(b1, "b1"), as_vector(b2, "b2")
    return W2 @ W1, W2 @ b1 + b2


# --- shapes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A drawing in the plane: named polylines, each an array of points of shape ``(k, 2)``."""

    name: str
    parts: tuple = field(default_factory=tuple)

    def map(self, function) -> "Shape":
        """Return the shape with ``function`` (points -> points) applied to every part."""
        return Shape(self.name, tuple(function(part) for part in self.parts))

    @property
    def points(self) -> np.ndarray:
        """All the shape's points in one ``(n, 2)`` array."""
        return np.concatenate(self.parts) if self.parts else np.zeros((0, 2))


def densify(corners, step: float = 0.05, closed: bool = False) -> np.ndarray:
    """Return a polyline through ``corners`` with extra points every ``step`` along each edge."""
    corners = as_points(corners, "corners")
    step = as_finite_number(step, "step", positive=True)
    if closed:
        corners = np.vstack([corners, corners[:1]])
    pieces = []
    for start, end in zip(corners[:-1], corners[1:]):
        n = max(1, int(math.ceil(np.linalg.norm(end - start) / step)))
        pieces.append(start + np.linspace(0, 1, n, endpoint=False)[:, None] * (end - start))
    pieces.append(corners[-1:])
    return np.vstack(pieces)


def grid_shape(extent: float = 1.0, lines: int = 5, step: float = 0.05) -> Shape:
    """A square grid of ``lines`` horizontal and vertical lines over ``[-extent, extent]``."""
    extent = as_finite_number(extent, "extent", positive=True)
    ticks = np.linspace(-extent, extent, as_whole_number(lines, "lines", minimum=2))
    parts = [densify([(-extent, t), (extent, t)], step) for t in ticks]
    parts += [densify([(t, -extent), (t, extent)], step) for t in ticks]
    return Shape("grid", tuple(parts))


def letter_f(step: float = 0.025) -> Shape:
    """The outline of a letter F in the unit square: its orientation shows every flip and turn."""
    corners = [(0.0, 0.0), (0.0, 1.0), (0.7, 1.0), (0.7, 0.8), (0.2, 0.8), (0.2, 0.6),
               (0.55, 0.6), (0.55, 0.4), (0.2, 0.4), (0.2, 0.0)]
    return Shape("F", (densify(corners, step, closed=True),))


def unit_square(step: float = 0.05) -> Shape:
    """The square with corners (0, 0), (1, 0), (1, 1), (0, 1)."""
    return Shape("square", (densify([(0, 0), (1, 0), (1, 1), (0, 1)], step, closed=True),))


# --- uncrumpling: a dataset no line separates, and a tiny network with 2D layers --------


def make_moons(n: int = 200, noise: float = 0.08, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons: ``(points (n, 2), labels (n,) of 0 and 1)``, centred on 0.

    No straight line separates the classes: each moon reaches into the other's hollow.
    """
    n = as_whole_number(n, "n", minimum=2)
    noise = as_finite_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed)
    n0 = n // 2
    angles0 = np.linspace(0, np.pi, n0)
    angles1 = np.linspace(0, np.pi, n - n0)
    upper = np.column_stack([np.cos(angles0), np.sin(angles0)])
    lower = np.column_stack([1 - np.cos(angles1), 0.5 - np.sin(angles1)])
    points = np.vstack([upper, lower]) + rng.normal(scale=noise, size=(n, 2))
    points = (points - [0.5, 0.25]) / [1.0, 0.5]  # centre on 0, similar spread on both axes
    labels = np.concatenate([np.zeros(n0, int), np.ones(n - n0, int)])
    order = rng.permutation(n)
    return points[order], labels[order]


_ACTIVATIONS = {
    "tanh": (np.tanh, lambda out: 1.0 - out ** 2),
    "relu": (lambda a: np.maximum(a, 0.0), lambda out: (out > 0).astype(float)),
}


@dataclass
class TinyNetwork:
    """A stack of 2D Dense layers (``activation(W @ x + b)``) and a final Dense(1, sigmoid).

    Attributes:
        hidden: list of ``(W, b)`` with ``W`` of shape (2, 2) and ``b`` of shape (2,).
        output: ``(w, c)``, ``w`` of shape (2,), so that ``p = sigmoid(w . h + c)``.
        activation: ``"tanh"`` or ``"relu"``.
    """

    hidden: list
    output: tuple
    activation: str = "tanh"

    def layer_outputs(self, points) -> list[np.ndarray]:
        """Return ``[input, after layer 1, after layer 2, ...]``, each of shape ``(n, 2)``."""
        act, _ = _ACTIVATIONS[self.activation]
        outputs = [as_points(points)]
        for W, b in self.hidden:
            outputs.append(act(outputs[-1] @ W.T + b))
        return outputs

    def predict_proba(self, points) -> np.ndarray:
        """Return the probability of class 1 for each point."""
        w, c = self.output
        return _sigmoid(self.layer_outputs(points)[-1] @ w + c)

    def accuracy(self, points, labels) -> float:
        """Share of points whose predicted class (probability > 0.5) is their label."""
        return float(np.mean((self.predict_proba(points) > 0.5) == np.asarray(labels)))

    def copy(self) -> "TinyNetwork":
        return TinyNetwork([(W.copy(), b.copy()) for W, b in self.hidden],
                           (self.output[0].copy(), float(self.output[1])), self.activation)


@dataclass
class TrainingRun:
    """What :func:`train_tiny_network` returns: the network, its history and snapshots."""

    network: TinyNetwork
    losses: list
    accuracies: list
    snapshots: list  # (step, TinyNetwork) pairs, including step 0 and the last step


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def train_tiny_network(points, labels, *, layers: int = 4, activation: str = "tanh", steps: int = 3000,
                       learning_rate: float = 0.03, seed: int = 0, snapshots: int = 10) -> TrainingRun:
    """Train a :class:`TinyNetwork` with full-batch Adam on binary cross-entropy, in NumPy.

    Args:
        points, labels: the data, shapes ``(n, 2)`` and ``(n,)`` with labels 0/1.
        layers: number of hidden 2D layers.
        activation: ``"tanh"`` or ``"relu"``.
        steps: gradient steps.
        learning_rate: Adam's step size.
        seed: seeds the starting weights, so a run is repeatable.
        snapshots: how many copies of the network to keep along the way (for a slider).
    """
    points = as_points(points)
    labels = np.asarray(labels, dtype=float)
    if labels.shape != (len(points),) or not np.isin(labels, (0, 1)).all():
        raise ValueError(f"labels must be {len(points)} values of 0 or 1; got shape {labels.shape}.")
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}; got {activation!r}.")
    layers = as_whole_number(layers, "layers", minimum=1)
    steps = as_whole_number(steps, "steps", minimum=1)
    learning_rate = as_finite_number(learning_rate, "learning_rate", positive=True)
    snapshots = as_whole_number(snapshots, "snapshots", minimum=1)
    rng = np.random.default_rng(seed)
    # Start close to the identity so that the first pictures look like the data.
    net = TinyNetwork([(np.eye(2) + rng.normal(scale=0.5, size=(2, 2)), rng.normal(scale=0.1, size=2))
                       for _ in range(layers)], (rng.normal(size=2), 0.0), activation)
    params = [p for W, b in net.hidden for p in (W, b)]
    w_out, c_out = net.output[0], np.array([net.output[1]])
    params += [w_out, c_out]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    _, act_grad = _ACTIVATIONS[activation]
    keep = set(np.linspace(0, steps, snapshots, dtype=int).tolist()) if snapshots > 1 else {steps}
    run = TrainingRun(net, [], [], [])
    n = len(points)
    for step in range(steps + 1):
        net.output = (w_out, float(c_out[0]))
        if step in keep:
            run.snapshots.append((step, net.copy()))
        if step == steps:
            break
        outs = net.layer_outputs(points)
        p = _sigmoid(outs[-1] @ w_out + c_out[0])
        run.losses.append(float(-np.mean(labels * np.log(p + 1e-12) + (1 - labels) * np.log(1 - p + 1e-12))))
        run.accuracies.append(float(np.mean((p > 0.5) == labels)))
        # Backward pass: the chain rule, layer by layer (chapter 5 explains it).
        d_logit = (p - labels) / n
        grads_out = [outs[-1].T @ d_logit, np.array([d_logit.sum()])]
        d_h = np.outer(d_logit, w_out)
        grads_hidden = []
        for k in range(len(net.hidden) - 1, -1, -1):
            d_a = d_h * act_grad(outs[k + 1])
            W, _ = net.hidden[k]
            grads_hidden[:0] = [d_a.T @ outs[k], d_a.sum(axis=0)]
            d_h = d_a @ W
        for i, (param, grad) in enumerate(zip(params, grads_hidden + grads_out)):
            m[i] = 0.9 * m[i] + 0.1 * grad
            v[i] = 0.999 * v[i] + 0.001 * grad ** 2
            m_hat, v_hat = m[i] / (1 - 0.9 ** (step + 1)), v[i] / (1 - 0.999 ** (step + 1))
            param -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)  # in place: net shares these arrays
    return run

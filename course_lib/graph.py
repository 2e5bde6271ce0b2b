"""A tiny computation-graph engine: forward pass, backward pass, and every step of both.

A :class:`Graph` is built node by node: constants (data such as ``x`` or ``y_true``),
variables (weights such as ``w`` and ``b``) and operations (multiply, add, absolute
error). ``forward()`` computes every value; ``backward()`` applies the chain rule from the
output back to every node, multiplying local derivatives along each edge and **summing
over all paths** where a node feeds several others. ``steps()`` records both passes one
small step at a time, for the graph stepper widget.

Introduced in notebook 05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

OPERATIONS = {"multiply": "*", "add": "+", "absolute_error": "|a - b|"}


@dataclass
class Node:
    """One node: a constant, a variable, or an operation on earlier nodes."""

    name: str
    kind: str  # "constant", "variable", or one of OPERATIONS
    inputs: tuple = ()
    value: float | None = None


@dataclass(frozen=True)
class Edge:
    """An input of an operation: ``parent`` feeds slot ``slot`` of ``child``."""

    parent: str
    child: str
    slot: int


@dataclass
class Step:
    """One step of a pass, and everything known after it (for drawing)."""

    phase: str  # "forward" or "backward"
    text: str
    focus: tuple  # node names and/or Edge objects to highlight
    values: dict = field(default_factory=dict)
    local: dict = field(default_factory=dict)  # Edge -> local derivative d child / d parent
    grads: dict = field(default_factory=dict)  # node -> grad(output, node), summed so far


class Graph:
    """A computation graph built in order; the last node added is the output."""

    def __init__(self):
        self.nodes: dict[str, Node] = {}

    # --- building -------------------------------------------------------------------------
    def _add(self, name: str, kind: str, inputs=(), value=None) -> str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a node needs a non-empty name; got {name!r}.")
        if name in self.nodes:
            raise ValueError(f"there is already a node called {name!r}.")
        for parent in inputs:
            if parent not in self.nodes:
                raise ValueError(f"{name!r} uses {parent!r}, which is not in the graph yet (add it first).")
        if value is not None:
            value = _finite(value, name)
        self.nodes[name] = Node(name, kind, tuple(inputs), value)
        return name

    def constant(self, name: str, value: float) -> str:
        """Add data that is given, not learned (no gradient is needed for it)."""
        return self._add(name, "constant", value=value)

    def variable(self, name: str, value: float) -> str:
        """Add a weight: training needs the gradient of the output with respect to it."""
        return self._add(name, "variable", value=value)

    def multiply(self, name: str, a: str, b: str) -> str:
        return self._add(name, "multiply", (a, b))

    def add(self, name: str, a: str, b: str) -> str:
        return self._add(name, "add", (a, b))

    def absolute_error(self, name: str, target: str, prediction: str) -> str:
        """``|target - prediction|``, the loss of the curriculum's example."""
        return self._add(name, "absolute_error", (target, prediction))

    # --- structure --------------------------------------------------------------------------
    @property
    def output(self) -> str:
        if not self.nodes:
            raise ValueError("the graph is empty.")
        return next(reversed(self.nodes))

    @property
    def edges(self) -> list[Edge]:
        return [Edge(p, node.name, slot) for node in self.nodes.values() for slot, p in enumerate(node.inputs)]

    def set_value(self, name: str, value: float) -> None:
        """Change a constant's or variable's value (run ``forward`` again afterwards)."""
        node = self.nodes[name]
        if node.kind not in ("constant", "variable"):
            raise ValueError(f"{name!r} is computed by the graph; only constants and variables take values.")
        node.value = _finite(value, name)

    # --- the two passes -------------------------------------------------------------------
    def forward(self) -> float:
        """Compute every node's value in order; return the output's."""
        for node in self.nodes.values():
            if node.kind in OPERATIONS:
                a, b = (self.nodes[p].value for p in node.inputs)
                node.value = _apply(node.kind, a, b)
        return self.nodes[self.output].value

    def local_derivative(self, edge: Edge) -> float:
        """d child / d (its input in ``edge.slot``), at the current values."""
        child = self.nodes[edge.child]
        a, b = (self.nodes[p].value for p in child.inputs)
        if child.kind == "add":
            return 1.0
        if child.kind == "multiply":
            return b if edge.slot == 0 else a
        # |a - b|: derivative sign(a - b) for a, -sign(a - b) for b (0 where a == b, as TensorFlow does)
        sign = (a > b) - (a < b)
        return float(sign if edge.slot == 0 else -sign)

    def backward(self) -> dict[str, float]:
        """Return grad(output, node) for every node, by the chain rule summed over all paths."""
        return self.steps()[-1].grads

    def steps(self) -> list[Step]:
        """Both passes, one step at a time: each forward node, then each backward edge."""
        values = {n.name: n.value for n in self.nodes.values() if n.kind not in OPERATIONS}
        steps = [Step("forward", "Start: the inputs have their values.", tuple(values), dict(values))]
        for node in self.nodes.values():
            if node.kind not in OPERATIONS:
                continue
            a, b = (values[p] for p in node.inputs)
            values[node.name] = _apply(node.kind, a, b)
            steps.append(Step("forward", f"{node.name} = {_formula(node)} = {_formula(node, (a, b))} = "
                              f"{_fmt(values[node.name])}", (node.name,), dict(values)))
        self.forward()
        out = self.output
        grads, local = {out: 1.0}, {}
        steps.append(Step("backward", f"Backward pass starts at the output: grad({out}, {out}) = 1.",
                          (out,), dict(values), {}, dict(grads)))
        for node in reversed(list(self.nodes.values())):
            if node.kind not in OPERATIONS or node.name not in grads:
                continue
            for slot, parent in enumerate(node.inputs):
                if self.nodes[parent].kind == "constant":
                    continue  # data: nobody needs its gradient
                edge = Edge(parent, node.name, slot)
                local[edge] = self.local_derivative(edge)
                contribution = grads[node.name] * local[edge]
                before = grads.get(parent)
                grads[parent] = (before or 0.0) + contribution
                summed = "" if before is None else f" (another path: {_fmt(before)} + {_fmt(contribution)})"
                which = f" (as input {slot + 1})" if node.inputs.count(parent) > 1 else ""
                steps.append(Step(
                    "backward",
                    f"Edge {parent} -> {node.name}{which}: local derivative d{node.name}/d{parent} = {_fmt(local[edge])}; "
                    f"grad({out}, {parent}) += grad({out}, {node.name}) x {_fmt(local[edge])} = "
                    f"{_fmt(grads[parent])}{summed}",
                    (edge, parent), dict(values), dict(local), dict(grads)))
        return steps


def _finite(value, name) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    return value


def _apply(kind, a, b):
    if kind == "multiply":
        return a * b
    if kind == "add":
        return a + b
    return abs(a - b)


def _formula(node: Node, values=None) -> str:
    a, b = node.inputs if values is None else (_fmt(v) for v in values)
    if node.kind == "absolute_error":
        return f"|{a} - {b}|"
    return f"{a} {OPERATIONS[node.kind]} {b}"


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:.3g}"


def curriculum_example(x: float = 2, w: float = 3, b: float = 1, y_true: float = 4) -> Graph:
    """The chapter's graph: ``x1 = x * w``, ``x2 = x1 + b``, ``loss = |y_true - x2|``.

    With the default values: loss 3, grad(loss, w) = 2, grad(loss, b) = 1.
    """
    g = Graph()
    g.constant("x", x)
    g.variable("w", w)
    g.variable("b", b)
    g.constant("y_true", y_true)
    g.multiply("x1", "x", "w")
    g.add("x2", "x1", "b")
    g.absolute_error("loss", "y_true", "x2")
    g.forward()
    return g


def two_paths_example(x: float = 3) -> Graph:
    """``y = x * x + x``: x reaches y along three edges, so grad(y, x) = x + x + 1 = 2x + 1."""
    g = Graph()
    g.variable("x", x)
    g.multiply("a", "x", "x")
    g.add("y", "a", "x")
    g.forward()
    return g

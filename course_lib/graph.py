"""A tiny computation-graph engine: forward pass, backward pass, and every step of both.

A :class:`Graph` is built node by node: constants (data such as ``x`` or ``y_true``),
variables (weights such as ``w`` and ``b``) and operations (multiply, add, absolute
error). ``forward()`` computes every value; ``backward()`` applies the chain rule from the
output back to every node, multiplying local derivatives along each edge and **summing
over all paths** where a node feeds several others. ``steps()`` records both passes one
small step at a time, for the graph stepper widget.

Each operation is defined once, in the table :data:`OPERATIONS`: how it computes its value,
its local derivatives, and its formula (used for the narration and for the drawing's
labels). Every pass reads that table, in the spirit of micrograd's one-method-per-operation
engine, so a new operation is one new :class:`Operation` entry.

Introduced in notebook 05.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from course_lib.validation import as_finite_number

#: The kinds of node that hold a given value rather than computing one.
LEAF_KINDS = ("constant", "variable")


@dataclass(frozen=True)
class Operation:
    """One operation of the engine: its value, its local derivatives and its formula.

    Attributes:
        name: the key of the operation in :data:`OPERATIONS` (and the kind of its nodes).
        formula: a ``str.format`` template with one numbered slot per input, e.g. ``"{0} * {1}"``.
        forward: the inputs' values -> the operation's value.
        local_derivatives: the inputs' values -> the derivative of the value with respect to
            each input, in input order.
    """

    name: str
    formula: str
    forward: Callable[..., float]
    local_derivatives: Callable[..., tuple[float, ...]]
    arity: int = 2

    def formula_text(self, *parts) -> str:
        """The formula with ``parts`` in the input slots: names (``"x * w"``) or values (``"2 * 3"``)."""
        return self.formula.format(*parts)


def _absolute_error_derivatives(a: float, b: float) -> tuple[float, float]:
    # d|a - b|/da = sign(a - b), d|a - b|/db = -sign(a - b); 0 where a == b, as TensorFlow does
    sign = int(a > b) - int(a < b)
    return float(sign), float(-sign)


#: The one table of operations that building, both passes, the narration and the drawing read.
OPERATIONS: dict[str, Operation] = {
    operation.name: operation
    for operation in (
        Operation("multiply", "{0} * {1}", lambda a, b: a * b, lambda a, b: (b, a)),
        Operation("add", "{0} + {1}", lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
        Operation("absolute_error", "|{0} - {1}|", lambda a, b: abs(a - b), _absolute_error_derivatives),
    )
}


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
        if kind in LEAF_KINDS:
            value = as_finite_number(value, name)
        self.nodes[name] = Node(name, kind, tuple(inputs), value)
        return name

    def constant(self, name: str, value: float) -> str:
        """Add data that is given, not learned (no gradient is needed for it)."""
        return self._add(name, "constant", value=value)

    def variable(self, name: str, value: float) -> str:
        """Add a weight: training needs the gradient of the output with respect to it."""
        return self._add(name, "variable", value=value)

    def operation(self, kind: str, name: str, *inputs: str) -> str:
        """Add a node computing the operation ``OPERATIONS[kind]`` of ``inputs``."""
        if kind not in OPERATIONS:
            raise ValueError(f"unknown operation {kind!r}; the operations are {', '.join(OPERATIONS)}.")
        arity = OPERATIONS[kind].arity
        if len(inputs) != arity:
            raise ValueError(f"{kind} takes {arity} inputs; {name!r} got {len(inputs)}.")
        return self._add(name, kind, inputs)

    def multiply(self, name: str, a: str, b: str) -> str:
        return self.operation("multiply", name, a, b)

    def add(self, name: str, a: str, b: str) -> str:
        return self.operation("add", name, a, b)

    def absolute_error(self, name: str, target: str, prediction: str) -> str:
        """``|target - prediction|``, the loss of the curriculum's example."""
        return self.operation("absolute_error", name, target, prediction)

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
        if node.kind not in LEAF_KINDS:
            raise ValueError(f"{name!r} is computed by the graph; only constants and variables take values.")
        node.value = as_finite_number(value, name)

    # --- the two passes -------------------------------------------------------------------
    def forward(self) -> float:
        """Compute every node's value in order; return the output's."""
        for _ in self._forward_sweep():
            pass
        return self.nodes[self.output].value

    def local_derivative(self, edge: Edge) -> float:
        """d child / d (its input in ``edge.slot``), at the current values."""
        child = self.nodes[edge.child]
        if child.kind not in OPERATIONS:
            raise ValueError(f"{edge.child!r} is a {child.kind}, not an operation: it has no inputs to differentiate.")
        return self._local_derivatives(child)[edge.slot]

    def backward(self) -> dict[str, float]:
        """Return grad(output, node) for every node, by the chain rule summed over all paths."""
        self.forward()
        grads = {self.output: 1.0}
        for _ in self._reverse_sweep(grads):
            pass
        return grads

    def steps(self) -> list[Step]:
        """Both passes, one step at a time: each forward node, then each backward edge.

        Runs the forward pass once (storing the values in the nodes, as ``forward`` does)
        and the same reverse sweep as ``backward``, recording a :class:`Step` after each move.
        """
        values = {n.name: n.value for n in self.nodes.values() if n.kind not in OPERATIONS}
        steps = [Step("forward", "Start: the inputs have their values.", tuple(values), dict(values))]
        for node, operation, inputs in self._forward_sweep():
            values[node.name] = node.value
            steps.append(Step("forward", f"{node.name} = {operation.formula_text(*node.inputs)} = "
                              f"{operation.formula_text(*map(_fmt, inputs))} = {_fmt(node.value)}",
                              (node.name,), dict(values)))
        out = self.output
        grads, local = {out: 1.0}, {}
        steps.append(Step("backward", f"Backward pass starts at the output: grad({out}, {out}) = 1.",
                          (out,), dict(values), {}, dict(grads)))
        for edge, derivative, contribution, before in self._reverse_sweep(grads):
            parent, child = edge.parent, edge.child
            local[edge] = derivative
            summed = "" if before is None else f" (another path: {_fmt(before)} + {_fmt(contribution)})"
            which = f" (as input {edge.slot + 1})" if self.nodes[child].inputs.count(parent) > 1 else ""
            steps.append(Step(
                "backward",
                f"Edge {parent} -> {child}{which}: local derivative d{child}/d{parent} = {_fmt(derivative)}; "
                f"grad({out}, {parent}) += grad({out}, {child}) x {_fmt(derivative)} = {_fmt(grads[parent])}{summed}",
                (edge, parent), dict(values), dict(local), dict(grads)))
        return steps

    # --- the sweeps both passes share --------------------------------------------------------
    def _forward_sweep(self) -> Iterator[tuple[Node, Operation, tuple]]:
        """Compute each operation's value in order, storing it in its node; yield (node, operation, input values)."""
        for node in self.nodes.values():
            operation = OPERATIONS.get(node.kind)
            if operation is None:
                continue  # a constant or variable: its value is given
            inputs = tuple(self.nodes[p].value for p in node.inputs)
            node.value = operation.forward(*inputs)
            yield node, operation, inputs

    def _local_derivatives(self, node: Node) -> tuple[float, ...]:
        return OPERATIONS[node.kind].local_derivatives(*(self.nodes[p].value for p in node.inputs))

    def _reverse_sweep(self, grads: dict[str, float]) -> Iterator[tuple[Edge, float, float, float | None]]:
        """The chain rule, from the output back, at the nodes' current values.

        ``grads`` starts as ``{output: 1.0}``; each edge into a node that has a gradient adds
        grad(output, child) x (local derivative) to its parent's gradient, so a node reached
        along several paths gets the sum. Edges from constants are skipped (data needs no
        gradient). Yields ``(edge, local derivative, contribution, parent's gradient before)``
        after each addition, the gradient before being ``None`` on a parent's first path.
        """
        for node in reversed(self.nodes.values()):
            if node.kind not in OPERATIONS or node.name not in grads:
                continue
            for slot, (parent, derivative) in enumerate(zip(node.inputs, self._local_derivatives(node))):
                if self.nodes[parent].kind == "constant":
                    continue  # data: nobody needs its gradient
                contribution = grads[node.name] * derivative
                before = grads.get(parent)
                grads[parent] = (before or 0.0) + contribution
                yield Edge(parent, node.name, slot), derivative, contribution, before


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

"""Draw a computation graph with its values, local derivatives and gradients, at any step.

Introduced in notebook 05.
"""

from __future__ import annotations

from collections import defaultdict

import matplotlib.pyplot as plt

from course_lib.graph import OPERATIONS, Graph, Step

KIND_COLOURS = {"constant": "#e0e0e0", "variable": "#c7e9c0", "operation": "#c6dbef"}
FOCUS_COLOUR = "#d62728"
GRAD_COLOUR = "#b30000"
LOCAL_COLOUR = "#e6550d"


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Place operations by depth, left to right, and each leaf just left of what it feeds."""
    depth = {}
    for node in graph.nodes.values():
        if node.kind in OPERATIONS:
            depth[node.name] = 1 + max(depth.get(p, 0) for p in node.inputs)
    children = defaultdict(list)
    for edge in graph.edges:
        children[edge.parent].append(edge.child)
    for node in graph.nodes.values():
        if node.kind not in OPERATIONS:
            depth[node.name] = min((depth[c] for c in children[node.name]), default=1) - 1
    columns = defaultdict(list)
    for name in graph.nodes:
        columns[depth[name]].append(name)
    positions = {}
    for column, names in columns.items():
        for row, name in enumerate(names):
            positions[name] = (column * 2.2, (len(names) - 1) / 2 - row)
    return positions


def draw_graph(ax, graph: Graph, step: Step | None = None) -> None:
    """Draw ``graph`` on ``ax`` as known after ``step`` (everything, if ``step`` is None)."""
    if step is None:
        step = graph.steps()[-1]
    ax.clear()
    ax.set_axis_off()
    pos = layout(graph)
    focus = set(step.focus)
    seen_pairs = defaultdict(int)
    for edge in graph.edges:
        (x0, y0), (x1, y1) = pos[edge.parent], pos[edge.child]
        repeat = seen_pairs[(edge.parent, edge.child)]
        seen_pairs[(edge.parent, edge.child)] += 1
        if graph.nodes[edge.child].inputs.count(edge.parent) > 1:
            bend = -0.3 if repeat == 0 else 0.3  # the same input used twice: two arcs
        elif abs(x1 - x0) > 2.5:
            bend = 0.35  # skips a column: arc around the nodes in between
        else:
            bend = 0.0
        hot = edge in focus
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color=FOCUS_COLOUR if hot else "0.4", lw=2.5 if hot else 1.2,
                                    shrinkA=22, shrinkB=22, connectionstyle=f"arc3,rad={bend}"))
        if edge in step.local:
            # matplotlib's arc3 puts its control point at mid + bend * (dy, -dx); the curve's midpoint is halfway there
            mx = (x0 + x1) / 2 + 0.5 * bend * (y1 - y0)
            my = (y0 + y1) / 2 - 0.5 * bend * (x1 - x0)
            ax.text(mx, my, f"{step.local[edge]:g}", color=LOCAL_COLOUR, ha="center", va="center", fontsize=10,
                    fontweight="bold", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=LOCAL_COLOUR, lw=0.8))
    for name, node in graph.nodes.items():
        x, y = pos[name]
        kind = "operation" if node.kind in OPERATIONS else node.kind
        label = name if node.kind not in OPERATIONS else f"{name}\n{_op_label(node)}"
        value = step.values.get(name)
        if value is not None:
            label += f"\n= {value:g}"
        ax.text(x, y, label, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.45", fc=KIND_COLOURS[kind],
                          ec=FOCUS_COLOUR if name in focus else "0.3", lw=2.5 if name in focus else 1))
        if name in step.grads:
            ax.text(x, y - 0.5, f"grad {step.grads[name]:g}", color=GRAD_COLOUR, ha="center", va="top",
                    fontsize=9, fontweight="bold")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 1.3, max(ys) + 0.9)
    ax.set_title(f"{step.phase} pass", fontsize=10)


def _op_label(node) -> str:
    """An operation's formula over its inputs' names, from the engine's table (e.g. ``x * w``)."""
    return OPERATIONS[node.kind].formula_text(*node.inputs)


def plot_graph(graph: Graph, step: Step | None = None, *, title: str | None = None):
    """A static figure of the graph (by default after the backward pass), with a legend line."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    draw_graph(ax, graph, step)
    fig.suptitle(title or "values in the boxes, local derivatives on the edges (orange), gradients in red")
    return fig


#: The two-layer model of chapter 1 as a computation graph: (node, kind, row, column) and its edges.
TWO_LAYER_NODES = [
    ("x", "constant", 1, 0), ("W1", "variable", 0, 0), ("b1", "variable", 2, 1),
    ("W1 @ x", "operation", 1, 1), ("+ b1", "operation", 1, 2), ("relu", "operation", 1, 3),
    ("W2", "variable", 0, 3), ("b2", "variable", 2, 4), ("W2 @ h", "operation", 1, 4),
    ("+ b2", "operation", 1, 5), ("softmax", "operation", 1, 6), ("y_true", "constant", 0, 7),
    ("loss", "operation", 1, 7),
]
TWO_LAYER_EDGES = [
    ("x", "W1 @ x"), ("W1", "W1 @ x"), ("W1 @ x", "+ b1"), ("b1", "+ b1"), ("+ b1", "relu"),
    ("relu", "W2 @ h"), ("W2", "W2 @ h"), ("W2 @ h", "+ b2"), ("b2", "+ b2"), ("+ b2", "softmax"),
    ("softmax", "loss"), ("y_true", "loss"),
]


def plot_two_layer_model():
    """Draw chapter 1's two-layer model as a computation graph, from input and weights to the loss.

    Forward: ``loss(y_true, softmax(W2 @ relu(W1 @ x + b1) + b2))``; weights in green, fixed
    inputs in grey, operations in blue; a red arrow underneath marks the backward pass, which
    brings a gradient to every green node. The figure's ``alt_text`` attribute describes it.
    """
    where = {name: (1.6 * column, -1.1 * row) for name, _, row, column in TWO_LAYER_NODES}
    fig, ax = plt.subplots(figsize=(11, 3.4))
    for start, end in TWO_LAYER_EDGES:
        ax.annotate("", xy=where[end], xytext=where[start],
                    arrowprops=dict(arrowstyle="-|>", color="black", lw=1.0, shrinkA=16, shrinkB=16))
    for name, kind, _, _ in TWO_LAYER_NODES:
        ax.text(*where[name], name, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.35", facecolor=KIND_COLOURS[kind], edgecolor="black"))
    left, right = where["x"][0], where["loss"][0]
    ax.annotate("", xy=(left, -3.0), xytext=(right, -3.0),
                arrowprops=dict(arrowstyle="-|>", color=GRAD_COLOUR, lw=1.5, linestyle="--"))
    ax.text((left + right) / 2, -2.75, "backward pass: gradients of the loss flow back to W2, b2, W1, b1",
            ha="center", va="bottom", fontsize=9, color=GRAD_COLOUR)
    ax.set_xlim(left - 0.9, right + 0.9)
    ax.set_ylim(-3.4, 0.6)
    ax.set_axis_off()
    ax.set_title("Chapter 1's model as a computation graph: weights (green), inputs (grey), operations (blue)")
    fig.tight_layout()
    fig.alt_text = ("A left-to-right graph: x and W1 feed a product, b1 is added, relu follows; W2 and b2 make the "
                    "second layer, then softmax; softmax and y_true feed the loss. A dashed red arrow runs back "
                    "from the loss to the inputs, marking the backward pass.")
    return fig

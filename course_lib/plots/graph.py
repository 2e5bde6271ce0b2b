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

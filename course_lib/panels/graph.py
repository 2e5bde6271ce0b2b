"""The computation-graph stepper: the forward and backward passes of a small graph, one
step at a time, with inputs typed in.

The graph and its narrated steps come from :mod:`course_lib.graph`, the drawing from
:mod:`course_lib.plots.graph`.

Introduced in notebook 05.
"""

from __future__ import annotations

import ipywidgets as widgets

from course_lib import graph as graph_module
from course_lib.panels.base import SLIDER_STYLE, FigureView, Panel, parse_number
from course_lib.plots.graph import draw_graph
from course_lib.validation import as_finite_number


class GraphStepper(Panel):
    """Step through the forward and backward passes of a small computation graph."""

    title = "Computation graph stepper"
    EXAMPLES = {"loss = |y_true - (x * w + b)|": "curriculum", "y = x * x + x (several paths)": "two_paths"}
    #: The largest size of an input: products of larger ones would overflow to infinity.
    LIMIT = 1e6

    def __init__(self, example: str = "loss = |y_true - (x * w + b)|"):
        super().__init__()
        self.example = widgets.Dropdown(options=list(self.EXAMPLES), value=example, description="graph",
                                        style=SLIDER_STYLE, layout=widgets.Layout(width="420px"))
        self.inputs_box = widgets.HBox()
        self.previous = widgets.Button(description="previous", icon="step-backward",
                                       layout=widgets.Layout(width="110px"))
        self.next = widgets.Button(description="next", icon="step-forward", layout=widgets.Layout(width="110px"))
        self.to_end = widgets.Button(description="all steps", icon="fast-forward", layout=widgets.Layout(width="110px"))
        self.to_start = widgets.Button(description="start", icon="undo", layout=widgets.Layout(width="110px"))
        self.counter = widgets.HTML()
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(8.5, 3.6),
                               alt="A computation graph with values, local derivatives and gradients")
        self.widget = widgets.VBox([
            widgets.HBox([self.example, self.inputs_box]),
            widgets.HBox([self.to_start, self.previous, self.next, self.to_end, self.counter]),
            self.message, self.text, self.view.image,
        ])
        self.watch(self.previous, handler=lambda: self.go(self.position - 1))
        self.watch(self.next, handler=lambda: self.go(self.position + 1))
        self.watch(self.to_end, handler=lambda: self.go(len(self.steps) - 1))
        self.watch(self.to_start, handler=lambda: self.go(0))
        self.watch(self.example, handler=self._new_example)
        self.entries = {}
        self._new_example()

    def _build(self):
        kind = self.EXAMPLES[self.example.value]
        return graph_module.curriculum_example() if kind == "curriculum" else graph_module.two_paths_example()

    def _new_example(self, change=None) -> None:
        self.graph = self._build()
        old = list(self.entries.values())
        self.entries = {}
        for node in self.graph.nodes.values():
            if node.kind in ("constant", "variable"):
                self.entries[node.name] = widgets.Text(value=f"{node.value:g}", description=node.name,
                                                       style={"description_width": "45px"},
                                                       layout=widgets.Layout(width="110px"))
        self.inputs_box.children = tuple(self.entries.values())
        self.forget(*old)
        for entry in old:
            entry.close()
        self.watch(*self.entries.values(), handler=self._inputs_changed)
        self._inputs_changed()

    def _inputs_changed(self, change=None) -> None:
        try:
            values = {name: as_finite_number(parse_number(entry.value, name), name, minimum=-self.LIMIT,
                                             maximum=self.LIMIT)
                      for name, entry in self.entries.items()}
        except ValueError as error:
            self.show_error(f"{error} The graph keeps its last valid values.")
            return
        self.clear_error()
        for name, value in values.items():
            self.graph.set_value(name, value)
        self.steps = self.graph.steps()
        self.go(0)

    def go(self, position: int) -> None:
        """Show step ``position`` (clamped to the first and last step)."""
        self.position = max(0, min(position, len(self.steps) - 1))
        step = self.steps[self.position]
        draw_graph(self.view.ax, self.graph, step)
        self.counter.value = f"&nbsp;step {self.position + 1} of {len(self.steps)} ({step.phase} pass)"
        self.show_lines(step.text)
        self.previous.disabled = self.position == 0
        self.next.disabled = self.position == len(self.steps) - 1
        self.view.refresh(alt=f"The computation graph of {self.example.value}, step {self.position + 1} of "
                              f"{len(self.steps)} ({step.phase} pass): {step.text}")

    @property
    def step(self):
        return self.steps[self.position]

    def summary(self) -> str:
        return f"GraphStepper: {self.example.value}, step {self.position + 1} of {len(self.steps)}: {self.step.text}"

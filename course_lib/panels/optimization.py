"""Live panels of the optimisation chapter: the derivative explorer, the gradient-descent
sandbox and the momentum sandbox.

Each is a :class:`course_lib.panels.base.Panel`; the pictures and the runs' verdicts come
from :mod:`course_lib.plots.optimization` and the descents from :mod:`course_lib.optimization`.

Introduced in notebook 05.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from course_lib.optimization import descent_runs, judge_descent, momentum_runs, where_it_ended
from course_lib.panels.base import SLIDER_LAYOUT, SLIDER_STYLE, FigureView, Panel, slider
from course_lib.plots.optimization import (
    CURVES,
    describe_slope,
    draw_derivative,
    draw_descent_1d,
    draw_descent_2d,
    draw_momentum,
)
from course_lib.validation import as_whole_number


class DerivativeExplorer(Panel):
    """Move a point p along a curve and see its tangent: the local linear approximation."""

    title = "Derivative as slope"

    def __init__(self, curve: str = "cos(x)", p: float = 1.0):
        super().__init__()
        self.curve = widgets.Dropdown(options=list(CURVES), value=curve, description="f(x) =",
                                      style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.p = slider("point p", p, -2.2, 2.2, 0.05)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(5, 3.6), alt="A curve, a point on it and its tangent line")
        self.widget = widgets.HBox([widgets.VBox([self.curve, self.p, self.message, self.text]), self.view.image])
        self.watch(self.curve, self.p, handler=self.update, labels=["the curve f(x)", "point p"])
        self.update()

    @property
    def slope(self) -> float:
        return float(CURVES[self.curve.value][1](self.p.value))

    def update(self, change=None) -> None:
        self.view.ax.clear()
        draw_derivative(self.view.ax, self.curve.value, self.p.value)
        self.text.value = (f"<p style='max-width:300px'>slope a = {self.slope:.2f}: "
                           f"{html.escape(describe_slope(self.slope))}</p>")
        self.view.refresh(alt=f"The curve f(x) = {self.curve.value}, the point p = {self.p.value:.2f} on it and its "
                              f"tangent line, slope {self.slope:.2f}: {describe_slope(self.slope)}.")

    def summary(self) -> str:
        return f"DerivativeExplorer: f(x) = {self.curve.value}, p = {self.p.value:.2f}, slope {self.slope:.2f}"


class DescentSandbox(Panel):
    """Gradient descent with your learning rate and step count, on a 1D curve and a 2D bowl.

    At most :attr:`MAX_STEPS` steps: the slider ends there, and a larger count sent by the
    page is set to it (with a message), so no request can keep the kernel busy.
    """

    title = "Gradient descent sandbox"
    #: The most steps a run takes (the steps slider's end).
    MAX_STEPS = 60

    def __init__(self, learning_rate: float = 0.1, steps: int = 12):
        super().__init__()
        self.learning_rate = widgets.FloatLogSlider(value=learning_rate, base=10, min=-2.3, max=0.1, step=0.05,
                                                    description="learning rate", readout_format=".3f",
                                                    style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.steps = widgets.IntSlider(value=steps, min=1, max=self.MAX_STEPS, description="steps", style=SLIDER_STYLE,
                                       layout=SLIDER_LAYOUT)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(8, 3.5), alt="Descent paths on a 1D curve and on a 2D bowl")
        self.view.figure.clear()
        self.ax_1d, self.ax_2d = self.view.figure.subplots(1, 2)
        self.widget = widgets.VBox([widgets.HBox([self.learning_rate, self.steps]), self.message, self.text,
                                    self.view.image])
        self.watch(self.learning_rate, self.steps, handler=self.update)
        self.update()

    def update(self, change=None) -> None:
        try:
            steps = as_whole_number(self.steps.value, "steps", minimum=1, maximum=self.MAX_STEPS)
            self.runs = descent_runs(self.learning_rate.value, steps)
        except ValueError as error:  # the checks in Panel.watch keep values legal; this is a safety net
            self.show_error(str(error))
            return
        self.clear_error()
        one, two = self.runs
        self.verdicts = judge_descent(one, 0.0), judge_descent(two, np.zeros(2))
        for ax in (self.ax_1d, self.ax_2d):
            ax.clear()
        draw_descent_1d(self.ax_1d, one)
        draw_descent_2d(self.ax_2d, two)
        self.ax_1d.set_title("loss(w) = w**2")
        self.ax_2d.set_title("bowl: steep across, shallow along")
        self.show_lines(f"1D:   {self.verdicts[0]}", f"bowl: {self.verdicts[1]}")
        self.view.refresh(alt=f"{self.steps.value} steps of gradient descent with learning rate "
                              f"{self.learning_rate.value:.3f}. Left, on the curve loss(w) = w**2: "
                              f"{self.verdicts[0]}. Right, on the bowl: {self.verdicts[1]}.")

    def summary(self) -> str:
        return (f"DescentSandbox: learning rate {self.learning_rate.value:.3f}, {self.steps.value} steps; "
                f"1D {self.verdicts[0].outcome}, bowl {self.verdicts[1].outcome}")


class MomentumSandbox(Panel):
    """Plain gradient descent and momentum from the same start on a curve with two minima."""

    title = "Momentum"

    def __init__(self, learning_rate: float = 0.02, momentum: float = 0.9, start: float = 2.0):
        super().__init__()
        self.learning_rate = slider("learning rate", learning_rate, 0.005, 0.06, 0.005)
        self.learning_rate.readout_format = ".3f"
        self.momentum = slider("momentum", momentum, 0.0, 0.95, 0.05)
        self.start = slider("start at w =", start, -2.0, 2.0, 0.1)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(5.5, 3.6), alt="A curve with two minima and two descent paths")
        self.widget = widgets.HBox([widgets.VBox([self.learning_rate, self.momentum, self.start, self.message,
                                                  self.text]), self.view.image])
        self.watch(self.learning_rate, self.momentum, self.start, handler=self.update)
        self.update()

    def update(self, change=None) -> None:
        self.plain, self.moving = momentum_runs(self.learning_rate.value, self.momentum.value, self.start.value)
        self.view.ax.clear()
        draw_momentum(self.view.ax, self.plain, self.moving)
        self.view.ax.set_title("X: where each run ended after 100 steps")
        self.show_lines(f"plain:    {where_it_ended(self.plain)}", f"momentum: {where_it_ended(self.moving)}")
        self.view.refresh(alt=f"A curve with a shallow and a deep minimum, and two runs from w = "
                              f"{self.start.value:g} with learning rate {self.learning_rate.value:.3f}. Plain "
                              f"descent ends at {where_it_ended(self.plain)}; with momentum "
                              f"{self.momentum.value:.2f} it ends at {where_it_ended(self.moving)}.")

    def summary(self) -> str:
        return (f"MomentumSandbox: learning rate {self.learning_rate.value:.3f}, momentum {self.momentum.value:.2f}; "
                f"plain {where_it_ended(self.plain)}; momentum {where_it_ended(self.moving)}")

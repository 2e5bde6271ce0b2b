"""Interactive panels for the geometry chapter, reusable unchanged by the Voila dashboard.

Each panel keeps one matplotlib figure for its whole life and, when a control moves,
only moves the artists already drawn and re-encodes the figure as a PNG into an
``ipywidgets.Image``. That is fast (no new figure per move), needs no extra widget
library, and works in JupyterLab, Voila and Colab alike.

Displaying a panel sends three representations: the live widget, a PNG snapshot (what
GitHub, nbviewer or a frontend without widget support shows instead), and a one-line
text summary (what the notebook tests compare).

Behind every panel is a plain method (``update``) that tests drive without a browser by
setting control values. Bad input never raises out of a callback: it shows a message
under the controls and the panel keeps working.

Introduced in notebook 04.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_lib import data, geometry, mnist_model
from course_lib import graph as graph_module
from course_lib.geometry import parse_number
from course_lib.notebook import widget_bundle
from course_lib.geometry_plots import (
    ORIGINAL_STYLE, draw_composition, draw_decision_line, draw_layer, draw_shape, draw_vectors, format_matrix,
    format_vector, frame, layer_titles, move_shape, move_vectors,
)
from course_lib.graph_plots import draw_graph
from course_lib.optimization_plots import (
    CURVES, descent_runs, describe_slope, draw_derivative, draw_descent_1d, draw_descent_2d, draw_momentum,
    momentum_runs, verdict, where_it_ended,
)

SLIDER_STYLE = {"description_width": "110px"}
SLIDER_LAYOUT = widgets.Layout(width="340px")


def _slider(description, value, low, high, step):
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=True, style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


class FigureView:
    """A matplotlib figure shown as a PNG in an ``ipywidgets.Image`` and redrawn in place.

    Panels whose axes never change can call :meth:`animate` with the artists that move:
    the rest (axes, ticks, labels, the "before" shapes) is then drawn once and kept as a
    bitmap, and each refresh draws only the moving artists on top of it (blitting), which
    makes a redraw several times cheaper.
    """

    def __init__(self, figsize=(4.2, 4.2), dpi: int = 80, alt: str = ""):
        self.figure = Figure(figsize=figsize, dpi=dpi)  # not pyplot's: never shown twice inline
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{figsize[0] * dpi:.0f}px"))
        self.alt = alt
        self.renders = 0
        self._moving: list = []
        self._background = None

    def animate(self, artists) -> None:
        """Declare the artists that move; everything else becomes a cached background."""
        self._moving = list(artists)
        for artist in self._moving:
            artist.set_animated(True)
        self._background = None

    def png(self) -> bytes:
        if not self._moving:
            buffer = io.BytesIO()
            # Light compression: about 8 ms faster per redraw for ~15% more bytes on loopback.
            self.figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
            return buffer.getvalue()
        if self._background is None:
            self.canvas.draw()  # animated artists are left out of a full draw
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for artist in self._moving:
            artist.axes.draw_artist(artist)
        return _encode_png(self.canvas)

    def refresh(self) -> None:
        """Re-encode the figure into the Image widget (after artists were moved)."""
        self.image.value = self.png()
        self.renders += 1


def _encode_png(canvas) -> bytes:
    from PIL import Image as PILImage

    width, height = canvas.get_width_height()
    buffer = io.BytesIO()
    PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buffer, format="png", compress_level=1)
    return buffer.getvalue()


class Panel:
    """Base of every panel: a message line, a figure, and a rich display."""

    title = ""

    def __init__(self):
        self.message = widgets.HTML(value="")
        self.error: str | None = None

    def _show_error(self, text: str) -> None:
        self.error = text
        self.message.value = f'<span style="color:#b00020">&#9888; {html.escape(text)}</span>'

    def _clear_error(self) -> None:
        self.error = None
        self.message.value = ""

    def summary(self) -> str:  # pragma: no cover - each panel says what it shows
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        png = base64.b64encode(self.view.png()).decode("ascii")
        return widget_bundle(self.summary(), self.widget, **{"image/png": png})


class TransformLab(Panel):
    """Rotate, scale, apply any 2x2 matrix, translate and relu a grid and a letter F, live.

    The map is ``y = W @ x + b`` (then relu if ticked) with ``W = M @ S @ R``: first the
    rotation ``R``, then the scaling ``S``, then the free matrix ``M`` typed in the boxes.
    """

    title = "Transform lab"

    def __init__(self, limit: float = 3.5):
        super().__init__()
        self.angle = widgets.FloatSlider(value=0, min=-180, max=180, step=5, description="rotate R (°)",
                                         style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.scale_x = _slider("scale S: x", 1.0, -2.0, 2.0, 0.1)
        self.scale_y = _slider("scale S: y", 1.0, -2.0, 2.0, 0.1)
        self.entries = [[widgets.Text(value=v, layout=widgets.Layout(width="70px")) for v in row]
                        for row in (("1", "0"), ("0", "1"))]
        self.b_x = _slider("translate b: x", 0.0, -2.0, 2.0, 0.1)
        self.b_y = _slider("translate b: y", 0.0, -2.0, 2.0, 0.1)
        self.use_relu = widgets.Checkbox(value=False, description="apply relu after", indent=False)
        self.reset_button = widgets.Button(description="reset", icon="undo", layout=widgets.Layout(width="90px"))
        self.code = widgets.HTML()
        self.grid = geometry.grid_shape(extent=1.0, lines=5)
        self.shape = geometry.letter_f()
        self.view = FigureView(alt="A grid and a letter F before (grey) and after (blue) the map")
        ax = self.view.ax
        draw_shape(ax, self.grid, **{**ORIGINAL_STYLE, "linewidth": 0.6})
        draw_shape(ax, self.shape, **ORIGINAL_STYLE)
        self.grid_lines = draw_shape(ax, self.grid, color="tab:blue", linewidth=0.7, alpha=0.45)
        self.shape_lines = draw_shape(ax, self.shape, color="tab:blue", linewidth=2)
        frame(ax, [[limit, limit]], margin=0)
        ax.set_title("grey: before, blue: after")
        self.view.animate(self.grid_lines + self.shape_lines)
        self.W, self.b = np.eye(2), np.zeros(2)
        self.transformed = self.shape
        matrix_box = widgets.VBox([
            widgets.HTML("free matrix M (type numbers):"),
            widgets.GridBox([e for row in self.entries for e in row],
                            layout=widgets.Layout(grid_template_columns="repeat(2, 75px)")),
        ])
        controls = widgets.VBox([self.angle, self.scale_x, self.scale_y, matrix_box, self.b_x, self.b_y,
                                 widgets.HBox([self.use_relu, self.reset_button]), self.message, self.code])
        self.widget = widgets.HBox([controls, self.view.image])
        for control in (self.angle, self.scale_x, self.scale_y, self.b_x, self.b_y, self.use_relu):
            control.observe(self.update, names="value")
        for entry in (e for row in self.entries for e in row):
            entry.observe(self.update, names="value")
        self.reset_button.on_click(lambda _: self.reset())
        self.update()

    def current_map(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(W, b)`` from the controls; raise ValueError for bad typed entries."""
        M = geometry.parse_matrix([[e.value for e in row] for row in self.entries])
        R = geometry.rotation_matrix(self.angle.value)
        S = geometry.scaling_matrix(self.scale_x.value, self.scale_y.value)
        return M @ S @ R, np.array([self.b_x.value, self.b_y.value])

    def apply(self, points) -> np.ndarray:
        """Apply the current map to points (rows)."""
        out = geometry.affine(points, self.W, self.b)
        return geometry.relu(out) if self.use_relu.value else out

    def update(self, change=None) -> None:
        """Recompute the map from the controls and redraw; show a message on bad input."""
        try:
            W, b = self.current_map()
        except ValueError as error:
            self._show_error(f"{error} The picture shows the last valid map.")
            return
        self._clear_error()
        self.W, self.b = W, b
        self.transformed = self.shape.map(self.apply)
        move_shape(self.grid_lines, self.grid.map(self.apply))
        move_shape(self.shape_lines, self.transformed)
        self.code.value = "<pre style='margin:4px 0'>" + html.escape(self.code_line()) + "</pre>"
        self.view.refresh()

    def code_line(self) -> str:
        """The NumPy code of the current map, for one point ``x`` of shape (2,)."""
        body = "W @ x + b"
        line = f"y = np.maximum({body}, 0)" if self.use_relu.value else f"y = {body}"
        return f"W = np.array({format_matrix(self.W)})\nb = np.array({format_vector(self.b)})\n{line}"

    def reset(self) -> None:
        """Back to the identity map."""
        with self.widget.hold_trait_notifications():
            self.angle.value, self.scale_x.value, self.scale_y.value = 0, 1.0, 1.0
            self.b_x.value = self.b_y.value = 0.0
            self.use_relu.value = False
            for row, values in zip(self.entries, (("1", "0"), ("0", "1"))):
                for entry, value in zip(row, values):
                    entry.value = value
        self.update()

    def summary(self) -> str:
        relu = "on" if self.use_relu.value else "off"
        return f"TransformLab: W = {format_matrix(self.W)}, b = {format_vector(self.b)}, relu {relu}"


class VectorAddition(Panel):
    """Vectors A and B as arrows, B drawn from A's tip, and their sum A + B."""

    title = "Vector addition"

    def __init__(self, A=(0.5, 1.0), B=(1.0, 0.25), limit: float = 3.0):
        super().__init__()
        self.a_x, self.a_y = _slider("A: x", A[0], -2, 2, 0.05), _slider("A: y", A[1], -2, 2, 0.05)
        self.b_x, self.b_y = _slider("B: x", B[0], -2, 2, 0.05), _slider("B: y", B[1], -2, 2, 0.05)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(3.8, 3.8), alt="Arrows A, B and A + B")
        self.arrows = draw_vectors(self.view.ax, A, B)
        frame(self.view.ax, [[limit, limit]], margin=0)
        self.view.ax.set_title("A + B: follow A, then B")
        self.view.animate(self.arrows.values())
        self.widget = widgets.HBox([widgets.VBox([self.a_x, self.a_y, self.b_x, self.b_y, self.text]), self.view.image])
        for control in (self.a_x, self.a_y, self.b_x, self.b_y):
            control.observe(self.update, names="value")
        self.update()

    @property
    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array([self.a_x.value, self.a_y.value]), np.array([self.b_x.value, self.b_y.value])

    def update(self, change=None) -> None:
        A, B = self.vectors
        move_vectors(self.arrows, A, B)
        self.text.value = f"<pre>A + B = {format_vector(A + B)}</pre>"
        self.view.refresh()

    def summary(self) -> str:
        A, B = self.vectors
        return f"VectorAddition: A = {format_vector(A)}, B = {format_vector(B)}, A + B = {format_vector(A + B)}"


class TranslationLab(Panel):
    """Move the letter F by a vector b: every point gets b added."""

    title = "Translation"

    def __init__(self, limit: float = 3.0):
        super().__init__()
        self.b_x, self.b_y = _slider("b: x", 1.0, -2, 2, 0.1), _slider("b: y", 0.5, -2, 2, 0.1)
        self.shape = geometry.letter_f()
        self.view = FigureView(figsize=(3.8, 3.8), alt="A letter F and its translated copy")
        draw_shape(self.view.ax, self.shape, **ORIGINAL_STYLE)
        self.lines = draw_shape(self.view.ax, self.shape)
        self.arrow = self.view.ax.quiver(0, 0, 1, 0.5, angles="xy", scale_units="xy", scale=1, color="tab:green", width=0.012)
        frame(self.view.ax, [[limit, limit]], margin=0)
        self.view.ax.set_title("every point + b (green arrow)")
        self.view.animate(self.lines + [self.arrow])
        self.widget = widgets.HBox([widgets.VBox([self.b_x, self.b_y]), self.view.image])
        self.b_x.observe(self.update, names="value")
        self.b_y.observe(self.update, names="value")
        self.update()

    @property
    def b(self) -> np.ndarray:
        return np.array([self.b_x.value, self.b_y.value])

    def update(self, change=None) -> None:
        self.transformed = self.shape.map(lambda p: geometry.translate(p, self.b))
        move_shape(self.lines, self.transformed)
        self.arrow.set_UVC(*self.b)
        self.view.refresh()

    def summary(self) -> str:
        return f"TranslationLab: b = {format_vector(self.b)}"


class UncrumplingView(Panel):
    """Step through a trained tiny network layer by layer, at any saved point of its training."""

    title = "Uncrumpling"

    def __init__(self, run: geometry.TrainingRun, points, labels, extent: float = 2.5):
        super().__init__()
        if not run.snapshots:
            raise ValueError("the training run holds no snapshots to show.")
        self.run, self.points, self.labels = run, geometry.as_points(points), np.asarray(labels)
        n_layers = len(run.network.hidden)
        self.layer = widgets.IntSlider(value=n_layers, min=0, max=n_layers, description="layer",
                                       style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        steps = [step for step, _ in run.snapshots]
        self.step = widgets.SelectionSlider(options=steps, value=steps[-1], description="training step",
                                            style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.text = widgets.HTML()
        self.grid = geometry.grid_shape(extent=extent, lines=11)
        self.view = FigureView(figsize=(4.2, 4.2), alt="The two classes of points after the chosen layer")
        artists = draw_layer(self.view.ax, self.points, self.labels, self.grid)
        self.grid_lines, self.scatter = artists["grid"], artists["points"]
        (self.decision,) = self.view.ax.plot([], [], color="black", linewidth=1.5)
        self.widget = widgets.HBox([widgets.VBox([self.layer, self.step, self.text]), self.view.image])
        self.layer.observe(self.update, names="value")
        self.step.observe(self.update, names="value")
        self.update()

    @property
    def network(self) -> geometry.TinyNetwork:
        return dict(self.run.snapshots)[self.step.value]

    def update(self, change=None) -> None:
        network, k = self.network, self.layer.value
        stage = network.layer_outputs(self.points)[k]
        self.scatter.set_offsets(stage)
        move_shape(self.grid_lines, self.grid.map(lambda p: network.layer_outputs(p)[k]))
        ax = self.view.ax
        low, high = stage.min(axis=0), stage.max(axis=0)
        pad = np.maximum((high - low) * 0.15, 0.1)
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        self.decision.set_visible(k == len(network.hidden))
        if k == len(network.hidden):
            line = draw_decision_line(ax, network)
            self.decision.set_data(*line.get_data())
            line.remove()
        ax.set_title(f"{layer_titles(len(network.hidden))[k]}, training step {self.step.value}")
        accuracy = network.accuracy(self.points, self.labels)
        self.text.value = f"<pre>accuracy at this step: {accuracy:.2f}</pre>"
        self.view.refresh()

    def summary(self) -> str:
        accuracy = self.network.accuracy(self.points, self.labels)
        return (f"UncrumplingView: layer {self.layer.value} of {len(self.network.hidden)}, "
                f"training step {self.step.value}, accuracy {accuracy:.2f}")


# --- chapter 5: the engine -------------------------------------------------------------------


class DerivativeExplorer(Panel):
    """Move a point p along a curve and see its tangent: the local linear approximation."""

    title = "Derivative as slope"

    def __init__(self, curve: str = "cos(x)", p: float = 1.0):
        super().__init__()
        self.curve = widgets.Dropdown(options=list(CURVES), value=curve, description="f(x) =",
                                      style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.p = _slider("point p", p, -2.2, 2.2, 0.05)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(5, 3.6), alt="A curve, a point on it and its tangent line")
        self.widget = widgets.HBox([widgets.VBox([self.curve, self.p, self.text]), self.view.image])
        self.curve.observe(self.update, names="value")
        self.p.observe(self.update, names="value")
        self.update()

    @property
    def slope(self) -> float:
        return float(CURVES[self.curve.value][1](self.p.value))

    def update(self, change=None) -> None:
        self.view.ax.clear()
        draw_derivative(self.view.ax, self.curve.value, self.p.value)
        self.text.value = f"<p style='max-width:300px'>slope a = {self.slope:.2f}: {html.escape(describe_slope(self.slope))}</p>"
        self.view.refresh()

    def summary(self) -> str:
        return f"DerivativeExplorer: f(x) = {self.curve.value}, p = {self.p.value:.2f}, slope {self.slope:.2f}"


class DescentSandbox(Panel):
    """Gradient descent with your learning rate and step count, on a 1D curve and a 2D bowl."""

    title = "Gradient descent sandbox"

    def __init__(self, learning_rate: float = 0.1, steps: int = 12):
        super().__init__()
        self.learning_rate = widgets.FloatLogSlider(value=learning_rate, base=10, min=-2.3, max=0.1, step=0.05,
                                                    description="learning rate", readout_format=".3f",
                                                    style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.steps = widgets.IntSlider(value=steps, min=1, max=60, description="steps", style=SLIDER_STYLE,
                                       layout=SLIDER_LAYOUT)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(8, 3.5), alt="Descent paths on a 1D curve and on a 2D bowl")
        self.view.figure.clear()
        self.ax_1d, self.ax_2d = self.view.figure.subplots(1, 2)
        self.widget = widgets.VBox([widgets.HBox([self.learning_rate, self.steps]), self.text, self.view.image])
        self.learning_rate.observe(self.update, names="value")
        self.steps.observe(self.update, names="value")
        self.update()

    def update(self, change=None) -> None:
        try:
            self.runs = descent_runs(self.learning_rate.value, self.steps.value)
        except ValueError as error:  # sliders keep values legal; this is a safety net
            self._show_error(str(error))
            return
        self._clear_error()
        one, two = self.runs
        self.verdicts = verdict(one, 0.0), verdict(two, np.zeros(2))
        for ax in (self.ax_1d, self.ax_2d):
            ax.clear()
        draw_descent_1d(self.ax_1d, one)
        draw_descent_2d(self.ax_2d, two)
        self.ax_1d.set_title("loss(w) = w**2")
        self.ax_2d.set_title("bowl: steep across, shallow along")
        self.text.value = (f"<pre>1D:   {html.escape(self.verdicts[0])}\n"
                           f"bowl: {html.escape(self.verdicts[1])}</pre>")
        self.view.refresh()

    def summary(self) -> str:
        return (f"DescentSandbox: learning rate {self.learning_rate.value:.3f}, {self.steps.value} steps; "
                f"1D {self.verdicts[0].split(':')[0]}, bowl {self.verdicts[1].split(':')[0]}")


class MomentumSandbox(Panel):
    """Plain gradient descent and momentum from the same start on a curve with two minima."""

    title = "Momentum"

    def __init__(self, learning_rate: float = 0.02, momentum: float = 0.9, start: float = 2.0):
        super().__init__()
        self.learning_rate = _slider("learning rate", learning_rate, 0.005, 0.06, 0.005)
        self.learning_rate.readout_format = ".3f"
        self.momentum = _slider("momentum", momentum, 0.0, 0.95, 0.05)
        self.start = _slider("start at w =", start, -2.0, 2.0, 0.1)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(5.5, 3.6), alt="A curve with two minima and two descent paths")
        self.widget = widgets.HBox([widgets.VBox([self.learning_rate, self.momentum, self.start, self.text]),
                                    self.view.image])
        for control in (self.learning_rate, self.momentum, self.start):
            control.observe(self.update, names="value")
        self.update()

    def update(self, change=None) -> None:
        self.plain, self.moving = momentum_runs(self.learning_rate.value, self.momentum.value, self.start.value)
        self.view.ax.clear()
        draw_momentum(self.view.ax, self.plain, self.moving)
        self.view.ax.set_title("X: where each run ended after 100 steps")
        self.text.value = (f"<pre>plain:    {html.escape(where_it_ended(self.plain))}\n"
                           f"momentum: {html.escape(where_it_ended(self.moving))}</pre>")
        self.view.refresh()

    def summary(self) -> str:
        return (f"MomentumSandbox: learning rate {self.learning_rate.value:.3f}, momentum {self.momentum.value:.2f}; "
                f"plain {where_it_ended(self.plain)}; momentum {where_it_ended(self.moving)}")


class GraphStepper(Panel):
    """Step through the forward and backward passes of a small computation graph."""

    title = "Computation graph stepper"
    EXAMPLES = {"loss = |y_true - (x * w + b)|": "curriculum", "y = x * x + x (several paths)": "two_paths"}

    def __init__(self, example: str = "loss = |y_true - (x * w + b)|"):
        super().__init__()
        self.example = widgets.Dropdown(options=list(self.EXAMPLES), value=example, description="graph",
                                        style=SLIDER_STYLE, layout=widgets.Layout(width="420px"))
        self.inputs_box = widgets.HBox()
        self.previous = widgets.Button(description="previous", icon="step-backward", layout=widgets.Layout(width="110px"))
        self.next = widgets.Button(description="next", icon="step-forward", layout=widgets.Layout(width="110px"))
        self.to_end = widgets.Button(description="all steps", icon="fast-forward", layout=widgets.Layout(width="110px"))
        self.to_start = widgets.Button(description="start", icon="undo", layout=widgets.Layout(width="110px"))
        self.counter = widgets.HTML()
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(8.5, 3.6), alt="A computation graph with values, local derivatives and gradients")
        self.widget = widgets.VBox([
            widgets.HBox([self.example, self.inputs_box]),
            widgets.HBox([self.to_start, self.previous, self.next, self.to_end, self.counter]),
            self.message, self.text, self.view.image,
        ])
        self.previous.on_click(lambda _: self.go(self.position - 1))
        self.next.on_click(lambda _: self.go(self.position + 1))
        self.to_end.on_click(lambda _: self.go(len(self.steps) - 1))
        self.to_start.on_click(lambda _: self.go(0))
        self.example.observe(self._new_example, names="value")
        self._new_example()

    def _build(self):
        kind = self.EXAMPLES[self.example.value]
        return graph_module.curriculum_example() if kind == "curriculum" else graph_module.two_paths_example()

    def _new_example(self, change=None) -> None:
        self.graph = self._build()
        self.entries = {}
        for node in self.graph.nodes.values():
            if node.kind in ("constant", "variable"):
                entry = widgets.Text(value=f"{node.value:g}", description=node.name,
                                     style={"description_width": "45px"}, layout=widgets.Layout(width="110px"))
                entry.observe(self._inputs_changed, names="value")
                self.entries[node.name] = entry
        self.inputs_box.children = tuple(self.entries.values())
        self._inputs_changed()

    def _inputs_changed(self, change=None) -> None:
        try:
            values = {name: parse_number(entry.value, name) for name, entry in self.entries.items()}
        except ValueError as error:
            self._show_error(f"{error} The graph keeps its last valid values.")
            return
        self._clear_error()
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
        self.text.value = f"<pre>{html.escape(step.text)}</pre>"
        self.previous.disabled = self.position == 0
        self.next.disabled = self.position == len(self.steps) - 1
        self.view.refresh()

    @property
    def step(self):
        return self.steps[self.position]

    def summary(self) -> str:
        return f"GraphStepper: {self.example.value}, step {self.position + 1} of {len(self.steps)}: {self.step.text}"


# --- dashboard-only panels -------------------------------------------------------------------


class CompositionPanel(Panel):
    """Two affine layers and the one layer they collapse into; a relu between them breaks the collapse."""

    title = "Composition and relu"

    def __init__(self):
        super().__init__()
        self.shear = _slider("layer 1: shear", 0.5, -1.5, 1.5, 0.1)
        self.shift_x = _slider("layer 1: b1 x", -0.3, -1.0, 1.0, 0.1)
        self.shift_y = _slider("layer 1: b1 y", -0.4, -1.0, 1.0, 0.1)
        self.angle = widgets.FloatSlider(value=60, min=-180, max=180, step=5, description="layer 2: rotate (°)",
                                         style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.relu_between = widgets.Checkbox(value=False, description="relu between the layers", indent=False)
        self.text = widgets.HTML()
        self.shape = geometry.letter_f()
        self.view = FigureView(figsize=(4.2, 4.2), alt="Two layers applied in turn over their collapsed single layer")
        self.widget = widgets.HBox([widgets.VBox([self.shear, self.shift_x, self.shift_y, self.angle,
                                                  self.relu_between, self.text]), self.view.image])
        for control in (self.shear, self.shift_x, self.shift_y, self.angle, self.relu_between):
            control.observe(self.update, names="value")
        self.update()

    def layers(self):
        W1 = np.array([[1.0, self.shear.value], [0.0, 1.0]])
        b1 = np.array([self.shift_x.value, self.shift_y.value])
        return W1, b1, geometry.rotation_matrix(self.angle.value), np.array([0.5, 0.0])

    def update(self, change=None) -> None:
        W1, b1, W2, b2 = self.layers()
        W, b = geometry.compose_affine(W1, b1, W2, b2)
        self.view.ax.clear()
        self.gap = draw_composition(self.view.ax, self.shape, W1, b1, W2, b2, self.relu_between.value)
        same = self.gap < 1e-9
        self.view.ax.set_title("they coincide: one layer is enough" if same else "relu folded part of it: no single layer does that")
        self.text.value = (f"<pre>W = W2 @ W1 = {format_matrix(W)}\nb = W2 @ b1 + b2 = {format_vector(b)}\n"
                           f"largest gap between the two: {self.gap:.2f}</pre>")
        self.view.refresh()

    def summary(self) -> str:
        relu = "with" if self.relu_between.value else "without"
        return f"CompositionPanel: {relu} relu between, largest gap {self.gap:.2f}"


class MnistExplorer(Panel):
    """Pick a test digit, see it and the small model's ten probabilities."""

    title = "MNIST explorer"

    def __init__(self, test_images=None, test_labels=None, index: int = 0):
        super().__init__()

        self.index = widgets.Text(value=str(index), description="test image #", style=SLIDER_STYLE,
                                  layout=widgets.Layout(width="220px"))
        self.random_button = widgets.Button(description="random digit", icon="random", layout=widgets.Layout(width="140px"))
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(7, 3.2), alt="A handwritten digit and the model's probability for each class")
        self.view.figure.clear()
        self.ax_digit, self.ax_bars = self.view.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
        self.widget = widgets.VBox([widgets.HBox([self.index, self.random_button]), self.message, self.text,
                                    self.view.image])
        self.images, self.labels, self.unavailable = test_images, test_labels, None
        if self.images is None:
            source = data.locate_mnist()
            if source.kind in ("local", "cache") and source.ok:  # never wait on a download here
                _, (self.images, self.labels) = data.load_mnist()
            else:
                self.unavailable = ("MNIST is not on this machine, and the dashboard does not download it. "
                                    "Run `make mnist` (or set COURSE_MNIST_PATH) and reload the page.")
        try:
            self.accuracy = mnist_model.load_weights()["keras_test_accuracy"]
        except mnist_model.MnistModelError as error:
            self.unavailable = str(error)
        self._rng = np.random.default_rng(0)
        self.index.observe(self.update, names="value")
        self.random_button.on_click(lambda _: self.show_random())
        self.current = None
        self.update()

    def show_random(self) -> None:
        if self.images is not None:
            self.index.value = str(int(self._rng.integers(len(self.images))))

    def update(self, change=None) -> None:
        if self.unavailable:
            self._show_error(self.unavailable)
            self.random_button.disabled = True
            return
        text = self.index.value.strip()
        if not text.lstrip("-").isdigit():
            self._show_error(f"{text!r} is not a whole number: type an image number from 0 to {len(self.images) - 1}.")
            return
        k = int(text)
        if not 0 <= k < len(self.images):
            self._show_error(f"there is no test image #{k}: type a number from 0 to {len(self.images) - 1}.")
            return
        self._clear_error()
        self.current = k
        probabilities = mnist_model.predict_proba(self.images[k])
        predicted = int(probabilities.argmax())
        self.ax_digit.clear()
        self.ax_digit.imshow(self.images[k], cmap="gray_r", vmin=0, vmax=255)
        self.ax_digit.set_title(f"test image #{k}, label {self.labels[k]}")
        self.ax_digit.set_xticks([])
        self.ax_digit.set_yticks([])
        self.ax_bars.clear()
        colours = ["tab:green" if d == predicted == self.labels[k] else "crimson" if d == predicted else "tab:blue"
                   for d in range(10)]
        self.ax_bars.bar(range(10), probabilities, color=colours)
        self.ax_bars.set_xticks(range(10))
        self.ax_bars.set_ylim(0, 1)
        self.ax_bars.set_xlabel("digit")
        self.ax_bars.set_ylabel("probability")
        self.ax_bars.set_title(f"predicted {predicted} ({probabilities[predicted]:.0%})")
        self.view.figure.tight_layout()
        verdict = "right" if predicted == self.labels[k] else "wrong"
        self.text.value = (f"<pre>model says {predicted} with probability {probabilities[predicted]:.3f}: {verdict} "
                           f"(this small model gets {self.accuracy:.1%} of the test set right)</pre>")
        self.prediction = predicted
        self.view.refresh()

    def summary(self) -> str:
        if self.unavailable:
            return f"MnistExplorer: unavailable ({self.unavailable.split(':')[0]})"
        return f"MnistExplorer: test image #{self.current}, label {self.labels[self.current]}, predicted {self.prediction}"

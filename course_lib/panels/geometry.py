"""Live panels of the geometry chapter: the transform lab, vector addition, translation,
uncrumpling, and (on the dashboard) composition with relu.

Each is a :class:`course_lib.panels.base.Panel`; the pictures come from
:mod:`course_lib.plots.geometry` and the maths from :mod:`course_lib.geometry`.

Introduced in notebook 04.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from course_lib import geometry
from course_lib.panels.base import SLIDER_LAYOUT, SLIDER_STYLE, FigureView, Panel, parse_matrix, slider
from course_lib.plots.geometry import (
    ORIGINAL_STYLE,
    draw_composition,
    draw_decision_line,
    draw_layer,
    draw_shape,
    draw_vectors,
    format_matrix,
    format_vector,
    frame,
    layer_titles,
    move_shape,
    move_vectors,
)
from course_lib.validation import as_finite_number


class TransformLab(Panel):
    """Rotate, scale, apply any 2x2 matrix, translate and relu a grid and a letter F, live.

    The map is ``y = W @ x + b`` (then relu if ticked) with ``W = M @ S @ R``: first the
    rotation ``R``, then the scaling ``S``, then the free matrix ``M`` typed in the boxes.
    """

    title = "Transform lab"
    #: The largest size of a typed matrix entry (larger ones would only push the F off the picture).
    ENTRY_LIMIT = 1000.0

    def __init__(self, limit: float = 3.5):
        super().__init__()
        self.angle = widgets.FloatSlider(value=0, min=-180, max=180, step=5, description="rotate R (°)",
                                         style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.scale_x = slider("scale S: x", 1.0, -2.0, 2.0, 0.1)
        self.scale_y = slider("scale S: y", 1.0, -2.0, 2.0, 0.1)
        self.entries = [[widgets.Text(value=v, layout=widgets.Layout(width="70px")) for v in row]
                        for row in (("1", "0"), ("0", "1"))]
        self.b_x = slider("translate b: x", 0.0, -2.0, 2.0, 0.1)
        self.b_y = slider("translate b: y", 0.0, -2.0, 2.0, 0.1)
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
        self.watch(self.angle, self.scale_x, self.scale_y, self.b_x, self.b_y, self.use_relu, handler=self.update)
        self.watch(*(e for row in self.entries for e in row), handler=self.update,
                   labels=[f"W[{i}, {j}]" for i in range(2) for j in range(2)])
        self.watch(self.reset_button, handler=self.reset)
        self.update()

    def current_map(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(W, b)`` from the controls; raise ValueError for bad typed entries."""
        M = parse_matrix([[e.value for e in row] for row in self.entries])
        for (i, j), entry in np.ndenumerate(M):
            as_finite_number(float(entry), f"W[{i}, {j}]", minimum=-self.ENTRY_LIMIT, maximum=self.ENTRY_LIMIT)
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
            self.show_error(f"{error} The picture shows the last valid map.")
            return
        self.clear_error()
        self.W, self.b = W, b
        self.transformed = self.shape.map(self.apply)
        move_shape(self.grid_lines, self.grid.map(self.apply))
        move_shape(self.shape_lines, self.transformed)
        self.code.value = "<pre style='margin:4px 0'>" + html.escape(self.code_line()) + "</pre>"
        relu = ", then relu (negative coordinates set to 0)" if self.use_relu.value else ""
        self.view.refresh(alt=f"A grid and a letter F before (grey) and after (blue) the map: rotated by "
                              f"{self.angle.value:g}°, scaled by {self.scale_x.value:g} along x and "
                              f"{self.scale_y.value:g} along y, so W = {format_matrix(W)}, moved by b = "
                              f"{format_vector(b)}{relu}.")

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
        self.a_x, self.a_y = slider("A: x", A[0], -2, 2, 0.05), slider("A: y", A[1], -2, 2, 0.05)
        self.b_x, self.b_y = slider("B: x", B[0], -2, 2, 0.05), slider("B: y", B[1], -2, 2, 0.05)
        self.text = widgets.HTML()
        self.view = FigureView(figsize=(3.8, 3.8), alt="Arrows A, B and A + B")
        self.arrows = draw_vectors(self.view.ax, A, B)
        frame(self.view.ax, [[limit, limit]], margin=0)
        self.view.ax.set_title("A + B: follow A, then B")
        self.view.animate(self.arrows.values())
        self.widget = widgets.HBox([widgets.VBox([self.a_x, self.a_y, self.b_x, self.b_y, self.message, self.text]),
                                    self.view.image])
        self.watch(self.a_x, self.a_y, self.b_x, self.b_y, handler=self.update)
        self.update()

    @property
    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array([self.a_x.value, self.a_y.value]), np.array([self.b_x.value, self.b_y.value])

    def update(self, change=None) -> None:
        A, B = self.vectors
        move_vectors(self.arrows, A, B)
        self.show_lines(f"A + B = {format_vector(A + B)}")
        self.view.refresh(alt=f"Arrow A = {format_vector(A)} from the origin, arrow B = {format_vector(B)} from A's "
                              f"tip, and their sum A + B = {format_vector(A + B)} from the origin to B's tip.")

    def summary(self) -> str:
        A, B = self.vectors
        return f"VectorAddition: A = {format_vector(A)}, B = {format_vector(B)}, A + B = {format_vector(A + B)}"


class TranslationLab(Panel):
    """Move the letter F by a vector b: every point gets b added."""

    title = "Translation"

    def __init__(self, limit: float = 3.0):
        super().__init__()
        self.b_x, self.b_y = slider("b: x", 1.0, -2, 2, 0.1), slider("b: y", 0.5, -2, 2, 0.1)
        self.shape = geometry.letter_f()
        self.view = FigureView(figsize=(3.8, 3.8), alt="A letter F and its translated copy")
        draw_shape(self.view.ax, self.shape, **ORIGINAL_STYLE)
        self.lines = draw_shape(self.view.ax, self.shape)
        self.arrow = self.view.ax.quiver(0, 0, 1, 0.5, angles="xy", scale_units="xy", scale=1, color="tab:green",
                                         width=0.012)
        frame(self.view.ax, [[limit, limit]], margin=0)
        self.view.ax.set_title("every point + b (green arrow)")
        self.view.animate(self.lines + [self.arrow])
        self.widget = widgets.HBox([widgets.VBox([self.b_x, self.b_y, self.message]), self.view.image])
        self.watch(self.b_x, self.b_y, handler=self.update)
        self.update()

    @property
    def b(self) -> np.ndarray:
        return np.array([self.b_x.value, self.b_y.value])

    def update(self, change=None) -> None:
        self.transformed = self.shape.map(lambda p: geometry.translate(p, self.b))
        move_shape(self.lines, self.transformed)
        self.arrow.set_UVC(*self.b)
        self.view.refresh(alt=f"A letter F (grey) and its copy (blue) moved by b = {format_vector(self.b)} "
                              "(the green arrow): every point shifted by the same vector.")

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
        self.widget = widgets.HBox([widgets.VBox([self.layer, self.step, self.message, self.text]), self.view.image])
        self.watch(self.layer, self.step, handler=self.update)
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
        self.show_lines(f"accuracy at this step: {accuracy:.2f}")
        line = ", with the line that separates them" if k == len(network.hidden) else ""
        where = "as they enter the network" if k == 0 else layer_titles(len(network.hidden))[k]
        self.view.refresh(alt=f"The two classes of points and the grid {where} "
                              f"(layer {k} of {len(network.hidden)}), training step {self.step.value}{line}; "
                              f"accuracy {accuracy:.2f}.")

    def summary(self) -> str:
        accuracy = self.network.accuracy(self.points, self.labels)
        return (f"UncrumplingView: layer {self.layer.value} of {len(self.network.hidden)}, "
                f"training step {self.step.value}, accuracy {accuracy:.2f}")



class CompositionPanel(Panel):
    """Two affine layers and the one layer they collapse into; a relu between them breaks the collapse."""

    title = "Composition and relu"

    def __init__(self):
        super().__init__()
        self.shear = slider("layer 1: shear", 0.5, -1.5, 1.5, 0.1)
        self.shift_x = slider("layer 1: b1 x", -0.3, -1.0, 1.0, 0.1)
        self.shift_y = slider("layer 1: b1 y", -0.4, -1.0, 1.0, 0.1)
        self.angle = widgets.FloatSlider(value=60, min=-180, max=180, step=5, description="layer 2: rotate (°)",
                                         style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self.relu_between = widgets.Checkbox(value=False, description="relu between the layers", indent=False)
        self.text = widgets.HTML()
        self.shape = geometry.letter_f()
        self.view = FigureView(figsize=(4.2, 4.2), alt="Two layers applied in turn over their collapsed single layer")
        self.widget = widgets.HBox([widgets.VBox([self.shear, self.shift_x, self.shift_y, self.angle,
                                                  self.relu_between, self.message, self.text]), self.view.image])
        self.watch(self.shear, self.shift_x, self.shift_y, self.angle, self.relu_between, handler=self.update)
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
        self.view.ax.set_title("they coincide: one layer is enough" if same
                               else "relu folded part of it: no single layer does that")
        self.text.value = (f"<pre>W = W2 @ W1 = {format_matrix(W)}\nb = W2 @ b1 + b2 = {format_vector(b)}\n"
                           f"largest gap between the two: {self.gap:.2f}</pre>")
        outcome = ("the two coincide" if same else
                   f"relu folded part of it, so they part by up to {self.gap:.2f}")
        self.view.refresh(alt=f"A letter F through layer 1 (shear {self.shear.value:g}) then layer 2 (rotated by "
                              f"{self.angle.value:g}°), {'with' if self.relu_between.value else 'without'} relu "
                              f"between, drawn over the single layer W = {format_matrix(W)}: {outcome}.")

    def summary(self) -> str:
        relu = "with" if self.relu_between.value else "without"
        return f"CompositionPanel: {relu} relu between, largest gap {self.gap:.2f}"

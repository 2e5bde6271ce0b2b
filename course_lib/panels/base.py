"""What every panel shares: the figure view, the panel protocol, the display bundle and
the reading of typed text.

A panel keeps one matplotlib figure for its whole life and, when a control moves, only
moves the artists already drawn and re-encodes the figure as a PNG into an
``ipywidgets.Image`` (:class:`FigureView`). That is fast (no new figure per move), needs
no extra widget library, and works in JupyterLab, Voila and Colab alike.

Displaying a panel sends three representations (:func:`widget_bundle`): the live widget,
a PNG snapshot (what GitHub, nbviewer or a frontend without widget support shows
instead), and a one-line text summary (what the notebook tests compare).

Behind every panel is a plain method (``update``) that tests drive without a browser by
setting control values. Bad input never raises out of a callback: it shows a message
under the controls (:meth:`Panel.show_error`) and the panel keeps working. Text typed into
a box is read with :func:`parse_number`, :func:`parse_matrix` or :func:`parse_whole_number`,
which refuse anything but plain finite numbers with a message for the learner.

Used by every panel module (:mod:`course_lib.panels.geometry`, ``.optimization``,
``.graph``, ``.mnist``), the quiz and the dashboard.
"""

from __future__ import annotations

import base64
import html
import io
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

SLIDER_STYLE = {"description_width": "110px"}
SLIDER_LAYOUT = widgets.Layout(width="340px")
#: Longest text a number box reads; anything longer is refused with a message.
MAX_NUMBER_TEXT = 40


def slider(description, value, low, high, step) -> widgets.FloatSlider:
    """Return a float slider in the course's style (same width and label width everywhere)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=True, style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def widget_bundle(summary: str, widget, **extra) -> dict:
    """Return the display bundle of an object shown as a live widget.

    The bundle holds the widget view and ``summary`` as its text (what nbval compares and
    frontends without widgets show), plus any ``extra`` representations, e.g.
    ``**{"image/png": ...}``. Used by every panel, the quiz and the dashboard.
    """
    return {
        "text/plain": summary,
        **extra,
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": widget.model_id,
        },
    }


# --- reading typed text ---------------------------------------------------------------------


def parse_number(text, name: str) -> float:
    """Read a number typed into a text box; raise ValueError with a message for the learner.

    Accepts ``"1.5"``, ``" -2 "``, ``"1e-3"``; refuses empty text, words, ``inf`` and ``nan``.
    """
    cleaned = str(text).strip().replace("\u2212", "-")  # a typographic minus sign pasted from a page
    if len(cleaned) > MAX_NUMBER_TEXT:
        raise ValueError(f"{name}: that is {len(cleaned)} characters long; type a short number such as 0.5.")
    if not cleaned:
        raise ValueError(f"{name} is empty: type a number such as 0.5.")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{name}: {str(text).strip()!r} is not a number; type one such as 0.5 or -1.") from None
    if math.isnan(value):
        raise ValueError(f"{name}: NaN is not allowed; type an ordinary number.")
    if math.isinf(value):
        raise ValueError(f"{name}: an infinite value is not allowed; type a finite number.")
    return value


def parse_matrix(entries) -> np.ndarray:
    """Read a 2x2 matrix from four typed entries ``[[w00, w01], [w10, w11]]``."""
    return np.array([[parse_number(entries[i][j], f"W[{i}, {j}]") for j in range(2)] for i in range(2)])


def parse_whole_number(text, name: str, *, minimum: int, maximum: int) -> int:
    """Read a whole number from ``minimum`` to ``maximum`` typed into a text box.

    Accepts ``"7"``, ``" 12 "``; refuses signs doubled (``"--5"``), other digits than 0-9
    (``"²"``), decimals, and anything over :data:`MAX_NUMBER_TEXT` characters, with a
    message for the learner (a ``ValueError``) that gives the allowed range.
    """
    cleaned = str(text).strip().replace("\u2212", "-")
    allowed = f"type a whole number from {minimum} to {maximum}"
    digits = cleaned[1:] if cleaned[:1] in "+-" else cleaned
    if not digits or len(cleaned) > MAX_NUMBER_TEXT or not (digits.isascii() and digits.isdigit()):
        shown = cleaned if len(cleaned) <= MAX_NUMBER_TEXT else cleaned[:MAX_NUMBER_TEXT] + "..."
        raise ValueError(f"{name}: {shown!r} is not a whole number; {allowed}.")
    value = int(cleaned)
    if not minimum <= value <= maximum:
        missing = f"there is no {name}{value}" if name.endswith("#") else f"{name} {value} is out of range"
        raise ValueError(f"{missing}: {allowed}.")
    return value


# --- the figure and the panel protocol -----------------------------------------------------------


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
    """Base of every panel: a message line, a figure view, and a rich display.

    A subclass sets ``title``, builds ``self.view`` (a :class:`FigureView`) and
    ``self.widget`` (what is displayed), and implements ``update()`` (redraw from the
    controls) and ``summary()`` (one line that says what is shown).
    """

    title = ""

    def __init__(self):
        self.message = widgets.HTML(value="")
        self.error: str | None = None

    def show_error(self, text: str) -> None:
        self.error = text
        self.message.value = f'<span style="color:#b00020">&#9888; {html.escape(text)}</span>'

    def show_lines(self, *lines: str) -> None:
        """Show ``lines`` as preformatted text under the controls (in ``self.text``), escaped."""
        self.text.value = "<pre>" + html.escape("\n".join(lines), quote=False) + "</pre>"

    def clear_error(self) -> None:
        self.error = None
        self.message.value = ""

    def summary(self) -> str:  # pragma: no cover - each panel says what it shows
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        png = base64.b64encode(self.view.png()).decode("ascii")
        return widget_bundle(self.summary(), self.widget, **{"image/png": png})



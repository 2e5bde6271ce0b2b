"""What every panel shares: the figure view, the panel protocol, the display bundle and
the reading of typed text.

A panel keeps one matplotlib figure for its whole life and, when a control moves, only
moves the artists already drawn and re-encodes the figure as a PNG into an
``ipywidgets.Image`` (:class:`FigureView`). That is fast (no new figure per move), needs
no extra widget library, and works in JupyterLab, Voila and Colab alike.

Every picture carries a text alternative that says what it shows now (``FigureView.refresh(alt=...)``),
which screen readers announce, and messages use colours readable (WCAG AA) in JupyterLab's light
and dark themes alike (:func:`coloured`).

Displaying a panel sends three representations (:func:`widget_bundle`): the live widget,
a PNG snapshot (what GitHub, nbviewer or a frontend without widget support shows
instead), and a one-line text summary (what the notebook tests compare).

Behind every panel is a plain method (``update``) that tests drive without a browser by
setting control values. Bad input never raises out of a callback: it shows a message
under the controls (:meth:`Panel.show_error`) and the panel keeps working. Values from the
page are never trusted: :meth:`Panel.watch` records what each control may hold (a
:class:`ControlRule`: its range, choices or length), and every widget of a panel takes the
page's updates through a check first, so NaN, a string, a number past a slider's end or a
changed ``max`` is refused or clamped, with a message that says so (``tests/panels/test_fuzz.py``
sends hostile values to every setting of every panel). Text typed into
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
import numbers
import re
import traceback
import weakref
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

SLIDER_STYLE = {"description_width": "110px"}
#: A slider's layout, as settings: each control gets a Layout of its own (one shared by every panel
#: would be one widget that the page of any of them could change).
SLIDER_LAYOUT = {"width": "340px"}
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


# --- message colours -----------------------------------------------------------------------------

#: The colours of the course's messages, as (light theme, dark theme): errors, right answers and
#: hints. Each has at least 4.5:1 contrast (WCAG AA for text) on the backgrounds in
#: :data:`THEME_BACKGROUNDS`. No single colour can: a red readable on white is too dark on
#: JupyterLab's dark grey, so the page switches with the theme (:func:`coloured`).
MESSAGE_COLOURS = {"error": ("#b00020", "#ff8a80"), "right": ("#1b7a1b", "#81c995"), "hint": ("#a35200", "#ffb74d")}
#: JupyterLab's (and Voila's) page backgrounds, --jp-layout-color0 and 1, in each theme.
THEME_BACKGROUNDS = {"light": ("#ffffff",), "dark": ("#111111", "#212121")}
#: Sets the dark colours where the page says its theme is dark (JupyterLab and Voila mark the body).
_DARK_THEME_STYLE = ("<style>body[data-jp-theme-light='false']{"
                     + "".join(f"--course-{kind}:{dark};" for kind, (_, dark) in MESSAGE_COLOURS.items())
                     + "}</style>")


def coloured(kind: str, body: str, tag: str = "span", style: str = "") -> str:
    """Return ``body`` (HTML, already escaped) in the message colour ``kind`` of :data:`MESSAGE_COLOURS`.

    The light theme's colour is the fallback, so a frontend without JupyterLab's theme
    markers (Colab, a static page) shows that one.
    """
    light, _ = MESSAGE_COLOURS[kind]
    extra = f";{style}" if style else ""
    return f'{_DARK_THEME_STYLE}<{tag} style="color:var(--course-{kind}, {light}){extra}">{body}</{tag}>'


# --- the figure and the panel protocol -----------------------------------------------------------


class DescribedImage(widgets.Image):
    """An ``ipywidgets.Image`` whose ``tooltip`` is its text alternative (what a screen reader reads).

    ipywidgets 8 has no ``alt`` for an Image, but it writes a widget's ``tooltip`` into the
    picture's ``title`` attribute, which screen readers announce as the picture's name when
    there is no ``alt``. It does so only for a model that has a ``description`` (an Image's
    has none, and setting a tooltip on a plain Image makes its view fail), so this one
    carries an empty ``description``. Under ipywidgets 7 (Colab) both traits are synced
    and ignored: the picture shows as before.
    """

    description = traitlets.Unicode("").tag(sync=True)
    tooltip = traitlets.Unicode(None, allow_none=True).tag(sync=True)


class FigureView:
    """A matplotlib figure shown as a PNG in an ``ipywidgets.Image`` and redrawn in place.

    Panels whose axes never change can call :meth:`animate` with the artists that move:
    the rest (axes, ticks, labels, the "before" shapes) is then drawn once and kept as a
    bitmap, and each refresh draws only the moving artists on top of it (blitting), which
    makes a redraw several times cheaper.

    ``alt`` is the picture's text alternative, given to screen readers (see
    :class:`DescribedImage`). A panel says what the picture shows *now* by passing
    ``refresh(alt=...)`` each time it redraws, e.g. "The letter F, rotated by 30°".
    """

    def __init__(self, figsize=(4.2, 4.2), dpi: int = 80, alt: str = ""):
        self.figure = Figure(figsize=figsize, dpi=dpi)  # not pyplot's: never shown twice inline
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.image = DescribedImage(format="png", layout=widgets.Layout(width=f"{figsize[0] * dpi:.0f}px"))
        self.alt = alt
        self.renders = 0
        self._moving: list = []
        self._background = None

    @property
    def alt(self) -> str:
        """The picture's text alternative (the ``title`` a screen reader announces)."""
        return self.image.tooltip or ""

    @alt.setter
    def alt(self, text: str) -> None:
        text = " ".join(str(text).split())
        self.image.tooltip = text or None

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

    def refresh(self, alt: str | None = None) -> None:
        """Re-encode the figure into the Image widget (after artists were moved).

        ``alt``, when given, replaces the text alternative: say what the new picture shows.
        """
        if alt is not None:
            self.alt = alt
        self.image.value = self.png()
        self.renders += 1


def _encode_png(canvas) -> bytes:
    from PIL import Image as PILImage

    width, height = canvas.get_width_height()
    buffer = io.BytesIO()
    PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buffer, format="png", compress_level=1)
    return buffer.getvalue()


# --- values from the page ------------------------------------------------------------------------

#: Longest text a text box keeps; longer text from the page is refused (the box keeps its last text).
MAX_TEXT_LENGTH = 1000
#: At most this many problems are spelled out in one message line.
_MAX_PROBLEMS = 3
#: What :meth:`ControlRule.check` returns for a value that cannot be used at all.
REFUSED = object()
#: An absolute file path inside a message: only its last part is shown on the page.
_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/](?:[^\s'\"\\/]+[\\/])+([^\s'\"\\/]*)")


def without_paths(text: str) -> str:
    """``text`` with every absolute file path cut to its last part (a page never shows server paths)."""
    return _PATH.sub(lambda match: match.group(1) or "...", text)


def _shown(value) -> str:
    """A value as a message quotes it: its repr, cut to 60 characters (a huge number by its size)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)) >= 10 ** 60:
        return f"a number with {int(abs(int(value)).bit_length() * math.log10(2)) + 1} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still named
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _same(a, b) -> bool:
    """Whether two values of a trait are equal (NaN counts as equal to NaN here)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - values that cannot be compared are different
        return False


def _label(control) -> str:
    """How a message names a control: its description, else its placeholder, else its type."""
    for name in ("description", "placeholder"):
        text = getattr(control, name, None)
        if isinstance(text, str) and text.strip():
            return " ".join(text.split())[:40]
    return type(control).__name__


@dataclass
class ControlRule:
    """What one control may hold, recorded when a panel starts watching it (:meth:`Panel.watch`).

    ``key`` is the one setting a person changes with the control: ``value``, or ``index`` for
    a choice, and none for a button. ``kind`` says what it holds ("number", "whole",
    "choice", "flag", "text" or "button"); ``low`` and ``high`` are a number's range,
    ``size`` the number of choices, and ``fixed`` the control's settings that bound its
    value (a slider's ``min`` and ``max``), put back if anything changes them.
    """

    label: str
    kind: str
    key: str
    low: float | None = None
    high: float | None = None
    size: int = 0
    fixed: dict = field(default_factory=dict)

    def wanted(self) -> str:
        """What the control must hold, in words ("a whole number from 1 to 60")."""
        if self.kind in ("number", "whole"):
            noun = "a whole number" if self.kind == "whole" else "a number"
            if self.low is not None and self.high is not None:
                return f"{noun} from {self.low:g} to {self.high:g}"
            return f"{noun} (finite)"
        return {"choice": f"one of its {self.size} choices", "flag": "on or off (true or false)",
                "text": f"text of at most {MAX_TEXT_LENGTH} characters"}.get(self.kind, "left as it is")

    def check(self, value) -> tuple:
        """Return ``(value to use, problem)``.

        The value to use is ``value`` itself, a number clamped into the range (with a
        problem that says so), or :data:`REFUSED`; the problem is None when all is well.
        """
        refused = (REFUSED, f"{self.label} must be {self.wanted()}; got {_shown(value)}.")
        if self.kind in ("number", "whole"):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                return refused
            if isinstance(value, numbers.Integral):
                number = int(value)
            else:
                number = float(value)
                if not math.isfinite(number) or (self.kind == "whole" and not number.is_integer()):
                    return refused
                number = int(number) if self.kind == "whole" else number
            inside = number
            if self.low is not None and number < self.low:
                inside, end = self.low, "least"
            elif self.high is not None and number > self.high:
                inside, end = self.high, "most"
            inside = int(inside) if self.kind == "whole" else float(inside)
            if inside != number:
                return inside, (f"{self.label} must be {self.wanted()}; got {_shown(value)}, so it is set to "
                                f"{inside:g} (the {end} allowed).")
            return inside, None
        if self.kind == "choice":
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
                return refused
            return (int(value), None) if 0 <= value < self.size else refused
        if self.kind == "flag":
            return (value, None) if isinstance(value, bool) else refused
        if self.kind == "text":
            if not isinstance(value, str):
                return refused
            if len(value) > MAX_TEXT_LENGTH:
                return REFUSED, f"{self.label} must be {self.wanted()}; got {len(value)} characters."
            return value, None
        return refused


def rule_for(control, label: str | None = None) -> ControlRule:
    """Record what ``control`` may hold now (its type, range or choices) as a :class:`ControlRule`."""
    label = label or _label(control)
    if isinstance(control, widgets.Button):
        return ControlRule(label, "button", "")
    if "index" in control.keys and "options" in control.trait_names() and not isinstance(control.index, tuple):
        return ControlRule(label, "choice", "index", size=len(control.options))
    trait = control.traits().get("value")
    if isinstance(trait, traitlets.Bool):
        return ControlRule(label, "flag", "value")
    if isinstance(trait, traitlets.Unicode):
        return ControlRule(label, "text", "value")
    if isinstance(trait, (traitlets.Float, traitlets.Int)):
        kind = "whole" if isinstance(trait, traitlets.Int) else "number"
        if isinstance(control, widgets.FloatLogSlider):
            fixed = {"min": control.min, "max": control.max, "base": control.base}
            return ControlRule(label, kind, "value", control.base ** control.min, control.base ** control.max,
                               fixed=fixed)
        if "min" in control.keys and "max" in control.keys:
            return ControlRule(label, kind, "value", control.min, control.max,
                               fixed={"min": control.min, "max": control.max})
        return ControlRule(label, kind, "value")
    raise TypeError(f"a panel cannot watch a {type(control).__name__}: it has no value of a known kind.")


def widget_tree(root) -> list:
    """Every widget reachable from ``root`` (itself, children, layouts, styles), each once."""
    seen, todo, found = set(), [root], []
    while todo:
        widget = todo.pop()
        if not isinstance(widget, widgets.Widget) or id(widget) in seen:
            continue
        seen.add(id(widget))
        found.append(widget)
        for name in widget.keys:
            value = getattr(widget, name, None)
            if isinstance(value, widgets.Widget):
                todo.append(value)
            elif isinstance(value, (tuple, list)):
                todo.extend(item for item in value if isinstance(item, widgets.Widget))
    return found


def _server_log(text: str) -> None:
    """Write ``text`` where the person running the kernel reads it (never the visitor's page)."""
    try:
        from course_lib.dashboard import server_log
    except ImportError:  # pragma: no cover - the dashboard module is part of the package
        return
    server_log(text)


class Panel:
    """Base of every panel: a message line, a figure view, and a rich display.

    A subclass sets ``title``, builds ``self.view`` (a :class:`FigureView`) and
    ``self.widget`` (what is displayed), connects its controls with :meth:`watch`, and
    implements ``update()`` (redraw from the controls) and ``summary()`` (one line that
    says what is shown).

    Values from the page are never trusted, because a page (or anything that speaks the
    widget protocol) can send any value for any setting; ipywidgets only checks types.
    :meth:`watch` records what each control may hold (a :class:`ControlRule`: a slider's
    range, a dropdown's choices, a text box's length). Every widget in ``self.widget``
    takes updates from the page only through :meth:`_from_page`, which checks the value
    *before* it is set: a number past the slider's end is set to the end, NaN, infinity,
    a string or a list is refused, and any other setting (a slider's ``max``, a layout)
    cannot be changed from the page. Changes made in Python are checked the same way
    before the handler runs, and an unexpected exception in a handler becomes one line.
    Each time the message line says what was refused, with no traceback and no file path
    (the traceback goes to the server's log), and the panel keeps working.
    """

    title = ""

    def __init__(self):
        self.message = widgets.HTML(value="")
        self.error: str | None = None
        #: The controls the panel reads, each with what it may hold (see :meth:`watch`).
        self.rules: dict = {}
        self._good: dict = {}  # control -> its last good value
        self._refusal: str | None = None  # the message line, when it is about a refused value
        self._repairing = False
        self._widget = None

    @property
    def widget(self):
        """What the panel displays; every widget inside takes values from the page through :meth:`_from_page`."""
        return self._widget

    @widget.setter
    def widget(self, tree) -> None:
        self._widget = tree
        self.guard(tree)

    def watch(self, *controls, handler, labels=None) -> None:
        """Run ``handler`` when one of ``controls`` changes (as ``handler(change)``) or is clicked (``handler()``).

        Records what each control may hold now (:func:`rule_for`); ``labels`` names the
        controls in messages (default: their descriptions). The handler runs only with
        good values and never raises (see the class docstring).
        """
        labels = list(labels) if labels is not None else [None] * len(controls)
        for control, label in zip(controls, labels):
            rule = rule_for(control, label)
            self.rules[control] = rule
            if rule.kind == "button":
                control.on_click(self._guarded(lambda _button: handler()))
            else:
                self._good[control] = getattr(control, rule.key)
                control.observe(self._guarded(handler), names="value")
            self.guard(control)

    def forget(self, *controls) -> None:
        """Stop reading ``controls`` (they were taken out of the panel)."""
        for control in controls:
            self.rules.pop(control, None)
            self._good.pop(control, None)

    def guard(self, tree) -> None:
        """Make every widget in ``tree`` take the page's updates through :meth:`_from_page` (once each)."""
        panel = weakref.ref(self)
        for widget in widget_tree(tree):
            if getattr(widget, "_course_guarded", False):
                continue

            def set_state(sync_data, widget=widget, original=widget.set_state):
                owner = panel()
                if owner is not None:
                    owner._from_page(widget, original, sync_data)

            widget.set_state = set_state  # ipywidgets hands every update from the page to set_state
            widget._course_guarded = True

    def _guarded(self, handler):
        def run(*args):
            if self._repairing:  # a control being put back: the handler runs once, afterwards
                return
            try:
                problems = self._repair()
                if not problems and self.error is not None and self.error == self._refusal:
                    self.clear_error()  # a good value after a refused one
                handler(*args)
                if problems:
                    self._refuse(problems)
            except Exception as error:  # noqa: BLE001 - nothing may raise out of a callback
                self._unexpected(error)

        return run

    def _repair(self) -> list:
        """Put every control back within its rule; return what was wrong, in words."""
        problems = []
        self._repairing = True
        try:
            for control, rule in list(self.rules.items()):
                problems += self._repair_control(control, rule)
        finally:
            self._repairing = False
        return problems

    def _repair_control(self, control, rule: ControlRule) -> list:
        problems = []
        current = getattr(control, rule.key) if rule.key else None  # before a restored max clamps it
        moved = {name: getattr(control, name) for name, value in rule.fixed.items()
                 if not _same(getattr(control, name), value)}
        if moved:
            with control.hold_trait_notifications():
                for name, value in rule.fixed.items():
                    setattr(control, name, value)
            problems += [f"{rule.label}: its {name} cannot change (it was set to {_shown(value)}); "
                         f"it is {rule.fixed[name]:g} again." for name, value in moved.items()]
        if not rule.key:
            return problems
        value, problem = rule.check(current)
        refused = value is REFUSED
        if refused:
            value = self._good[control]
        if not _same(value, getattr(control, rule.key)):
            setattr(control, rule.key, value)
        self._good[control] = value
        if problem:
            problems.append(f"{problem} It stays at {self._shown_setting(control, rule)}." if refused else problem)
        return problems

    @staticmethod
    def _shown_setting(control, rule: ControlRule) -> str:
        return _shown(control.label if rule.kind == "choice" else getattr(control, rule.key))

    def _from_page(self, widget, original, sync_data) -> None:
        """Take an update the page sent for ``widget``: check it first, set what passes, say what did not."""
        try:
            self._take_from_page(widget, original, sync_data)
        except Exception as error:  # noqa: BLE001 - nothing may raise back to the page
            self._unexpected(error)

    def _take_from_page(self, widget, original, sync_data) -> None:
        before = self.error
        rule = self.rules.get(widget)
        label = rule.label if rule is not None else _label(widget)
        if not isinstance(sync_data, dict):
            self._refuse([f"{label}: the page sent {_shown(sync_data)} instead of settings; nothing changed."])
            return
        accepted, problems = {}, []
        for key, raw in sync_data.items():
            if rule is not None and rule.key and key == rule.key:
                value, problem = rule.check(raw)
                if value is REFUSED:
                    problem = f"{problem} It stays at {self._shown_setting(widget, rule)}."
                else:
                    accepted[key] = value
                if problem:
                    problems.append(problem)
            else:
                now = f"; it stays {_shown(getattr(widget, key))}" if key in widget.keys else ""
                problems.append(f"{label}: {_shown(key)} cannot be changed from the page{now}.")
        if accepted:
            original(accepted)
        if problems:
            keys = [key for key in sync_data if isinstance(key, str) and key in widget.keys]
            if keys:
                widget.send_state(keys)  # the page shows the values the panel kept
            self._refuse(problems)
        elif before is not None and before == self._refusal and self.error is before:
            self.clear_error()  # a good value (even the one it already had) after a refused one

    def _refuse(self, problems: list) -> None:
        """Say what was refused on the message line (at most a few problems, then a count)."""
        shown, more = problems[:_MAX_PROBLEMS], len(problems) - _MAX_PROBLEMS
        text = " ".join(shown) + (f" (and {more} more)" if more > 0 else "")
        if self.error and self.error != self._refusal and self.error not in text:
            text = f"{text} {self.error}"  # keep what the panel itself had to say
        self.show_error(text)
        self._refusal = self.error

    def _unexpected(self, error: Exception) -> None:
        """One line for an exception nobody expected; its traceback goes to the server's log only."""
        try:
            _server_log(f"{type(self).__name__}: a callback failed:\n" + "".join(traceback.format_exception(error)))
        except Exception:  # noqa: BLE001, S110 - logging must not fail the panel
            pass
        if isinstance(error, ValueError):
            detail = without_paths(str(error))[:200]
            text = f"That did not work: {detail} The panel keeps its last good picture."
        else:
            text = f"That did not work ({type(error).__name__}); the panel keeps its last good picture."
        try:
            self._refuse([text])
        except Exception:  # noqa: BLE001, S110 - the message line itself failed: nothing more to say
            pass

    def show_error(self, text: str) -> None:
        self.error = text
        self.message.value = coloured("error", f"&#9888; {html.escape(text)}")

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



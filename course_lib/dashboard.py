"""The classroom dashboard: the course's live panels in tabs, one page, no code.

The notebook ``dashboard.ipynb`` beside this module (package data, so it ships with
``pip install .``) calls :func:`build_dashboard`, and Voila serves it (``make dashboard``,
or ``python -m course_lib.dashboard`` from any install). Only the first tab's panel is built when the page
opens; each other panel is built the first time its tab is opened, so the page is interactive quickly. No
panel imports TensorFlow: the MNIST explorer predicts with NumPy.

Each tab starts with one paragraph for the room, then the panel. A panel that cannot be
built (say, MNIST missing) shows a message in its tab; the other tabs keep working. A control
whose callback fails anyway shows one line at the top of the page; the traceback goes to the
server's log, never to the page (:func:`install_error_guard`).
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import traceback
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ipywidgets as widgets

from course_lib.panels.base import coloured, widget_bundle, without_paths
from course_lib.plots.style import use_course_style
from course_lib.validation import as_whole_number

INTRO = "<p style='margin:0 0 6px 0'>Pick a tab, move the controls, and watch the mathematics move.</p>"
#: The one line a visitor sees when a control's callback fails unexpectedly (details go to the server's log).
UNEXPECTED = "Something went wrong there ({name}); the rest of the page still works."


def _uncrumpling():
    from course_lib import geometry
    from course_lib.panels.geometry import UncrumplingView

    points, labels = geometry.make_moons(200, noise=0.08, seed=0)
    run = geometry.train_tiny_network(points, labels, layers=4, activation="tanh", steps=600, seed=0)
    return UncrumplingView(run, points, labels)


def _quiz():
    from course_lib.feedback.quiz import Quiz

    return Quiz()


def _panel(module, name):
    """Return a function that builds panel ``name`` of :mod:`course_lib.panels.<module>` (imported then)."""

    def make():
        from importlib import import_module

        return getattr(import_module(f"course_lib.panels.{module}"), name)()

    return make


#: (tab title, paragraph for the room, function that builds the panel)
PANELS = [
    ("Transform lab",
     "A Dense layer computes W @ x + b, then an activation. Here W is built from a rotation, a scaling and a "
     "matrix you type, b is a translation, and relu can be switched on. Grey is the plane before, blue after: "
     "every layer of a network moves space like this.",
     _panel("geometry", "TransformLab")),
    ("Composition & relu",
     "Two layers without activation, applied one after the other, always equal one single layer with "
     "W = W2 @ W1 and b = W2 @ b1 + b2: stacking them gains nothing. Tick relu between them and part of the F "
     "is folded; no single layer can do that. Activations are what make depth worth having.",
     _panel("geometry", "CompositionPanel")),
    ("Uncrumpling",
     "Two classes of points, interleaved so that no straight line separates them. A small network with four "
     "2D layers moves them, layer by layer, until a line does. Slide through the layers, and back through "
     "training, to watch the uncrumpling happen.",
     _uncrumpling),
    ("Gradient descent",
     "Training walks downhill on the loss, one step against the gradient at a time. The learning rate sets "
     "the step: too small and progress crawls, too large and the steps overshoot, zigzag or fly off. The bowl "
     "on the right is steep across and shallow along, so one learning rate can be both at once.",
     _panel("optimization", "DescentSandbox")),
    ("Momentum",
     "A loss can have a shallow valley before a deeper one. Plain gradient descent stops in the first; with "
     "momentum the parameter keeps part of its speed, like a rolling ball, and can carry over the bump. "
     "Change momentum and learning rate and see where each run ends.",
     _panel("optimization", "MomentumSandbox")),
    ("Graph stepper",
     "Backpropagation, one step at a time: the forward pass computes each value, the backward pass multiplies "
     "local derivatives along the edges (the chain rule) and adds up the paths. Type other inputs and step "
     "again.",
     _panel("graph", "GraphStepper")),
    ("MNIST explorer",
     "A small network (784 -> 64 -> 10) trained on handwritten digits. Pick a test image: the bars are the "
     "model's ten probabilities, its answer is the tallest. Look for the digits it gets wrong.",
     _panel("mnist", "MnistExplorer")),
    ("Check yourself",
     "Eleven quick questions, one per idea of the chapter, in the order of the graded assignments: type a "
     "shape, a number or a matrix and press Check. A right answer turns green; otherwise the hint says what "
     "to look at. Answers are read as values, never run, so nothing typed here can break the page.",
     _quiz),
]


class Dashboard:
    """The tabbed dashboard. ``panels`` maps tab titles to the panels built so far."""

    def __init__(self, eager: bool = False):
        use_course_style()
        self.panels: dict = {}
        self.errors: dict = {}
        self.containers = [widgets.VBox([widgets.HTML(f"<p style='max-width:900px'>{html.escape(text)}</p>"),
                                         widgets.HTML("<p><i>Loading...</i></p>")]) for _, text, _ in PANELS]
        self.tabs = widgets.Tab(children=self.containers)
        for k, (title, _, _) in enumerate(PANELS):
            self.tabs.set_title(k, title)
        #: One line under the introduction, empty unless a callback failed (see :func:`install_error_guard`).
        self.notice = widgets.HTML("")
        self.widget = widgets.VBox([widgets.HTML(INTRO), self.notice, self.tabs])
        self.tabs.observe(self._on_select, names="selected_index")
        install_error_guard(show=self.show_problem)
        for k in range(len(PANELS) if eager else 1):
            self.build(k)

    def show_problem(self, line: str) -> None:
        """Show ``line`` (plain text, no paths) in the notice line at the top of the page."""
        self.notice.value = coloured("error", f"&#9888; {html.escape(without_paths(line))}", tag="p",
                                     style="margin:0 0 6px 0").replace("<p ", "<p role='alert' ", 1)

    def _on_select(self, change) -> None:
        if change["new"] is not None:
            self.build(change["new"])

    def build(self, k: int) -> None:
        """Build tab ``k``'s panel if it is not built yet; show a message if that fails."""
        title, text, make = PANELS[k]
        if title in self.panels or title in self.errors:
            return
        try:
            panel = make()
        except Exception as error:  # noqa: BLE001 - one broken panel must not break the page
            self.errors[title] = f"{type(error).__name__}: {error}"
            server_log(f"The dashboard's {title!r} panel could not start:\n{traceback.format_exc()}")
            body = widgets.HTML(coloured("error", "&#9888; This panel could not start: "
                                         f"{html.escape(without_paths(str(error)))}", tag="p"))
        else:
            self.panels[title] = panel
            body = panel.widget
        self.containers[k].children = (self.containers[k].children[0], body)

    def summary(self) -> str:
        return f"Dashboard: {len(PANELS)} tabs ({', '.join(t for t, _, _ in PANELS)}); built: {', '.join(self.panels)}"

    def _repr_mimebundle_(self, **kwargs):
        return widget_bundle(self.summary(), self.widget)


def build_dashboard(eager: bool = False) -> Dashboard:
    """Return the dashboard; display it as a cell's result (Voila shows it as the page)."""
    return Dashboard(eager=eager)


def server_log(text: str) -> None:
    """Write ``text`` where the person running the server reads it, never to a visitor's page.

    In a kernel, ipykernel forwards whatever reaches file descriptor 2 to the page as well; its
    own log handlers write to a copy of the original descriptor instead, and so does this.
    """
    kernel_log = _kernel_app_log()
    if kernel_log is not None:
        kernel_log.error("%s", text.rstrip())
    else:
        logging.getLogger(__name__).error("%s", text.rstrip())


def _handling(shell) -> str | None:
    """The type of the message the kernel is handling now ("comm_msg", "execute_request", ...), if known."""
    kernel = getattr(shell, "kernel", None)
    try:
        return kernel.get_parent()["header"]["msg_type"]
    except (AttributeError, KeyError, TypeError):
        return None


def _kernel_app_log():
    """The running IPython kernel's logger (writes to the server's terminal), or None outside a kernel."""
    app = sys.modules.get("ipykernel.kernelapp")
    if app is None or not app.IPKernelApp.initialized():
        return None
    return app.IPKernelApp.instance().log


def install_error_guard(show, shell=None) -> bool:
    """Make a failing widget callback show one line on the page instead of a traceback.

    ipywidgets hands an exception raised in any widget callback (a button's ``on_click``, an
    observer of a value the page changed, a custom message) to IPython's ``showtraceback``, which
    sends the whole traceback, with the server's file paths, to the browser. In the kernel that
    serves the dashboard, ``showtraceback`` instead writes the traceback to the server's log
    (:func:`server_log`) and calls ``show`` with one line, :data:`UNEXPECTED`; errors in a cell
    the kernel runs (an ``execute_request``, say in JupyterLab) keep their usual traceback. The
    kernel's log records about widget messages it could not handle go to the server's log only,
    as well. ``shell`` defaults to the running IPython; outside IPython (a script, the tests) this
    does nothing and returns False.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return False
    original = getattr(shell, "_course_original_showtraceback", shell.showtraceback)

    def showtraceback(exc_tuple=None, *args, **kwargs):
        if kwargs.get("running_compiled_code") or _handling(shell) == "execute_request":
            return original(exc_tuple, *args, **kwargs)
        etype, value, tb = exc_tuple or sys.exc_info()
        if etype is None:
            return None
        server_log("A dashboard callback failed:\n" + "".join(traceback.format_exception(etype, value, tb)))
        show(UNEXPECTED.format(name=etype.__name__))
        return None

    shell._course_original_showtraceback = original
    shell.showtraceback = showtraceback
    kernel_log = _kernel_app_log()
    for name in ("Comm", "ipykernel.comm"):  # comm messages the kernel could not handle (with tracebacks)
        logger = logging.getLogger(name)
        logger.propagate = False
        logger.handlers = list(kernel_log.handlers) if kernel_log is not None else []
    return True


#: The notebook Voila serves: package data beside this module, found the same way in an
#: editable install, a wheel or a zip (there, copied out to a temporary file while served).
DASHBOARD_NOTEBOOK = resources.files("course_lib") / "dashboard.ipynb"


#: Memory one preheated kernel with the dashboard built takes (measured: about 100-110 MB).
KERNEL_MEMORY_MB = 110
#: The largest class the command accepts (each visitor holds one kernel).
MAX_CLASS_SIZE = 200


def voila_command(port: int = 8866, *, preheat: bool = True, pool_size: int = 2, notebook=None,
                  public: bool = False) -> list[str]:
    """The one command that serves the dashboard (``make dashboard``, the tests and the benchmark use it).

    Loopback only unless ``public`` (all interfaces), a fixed port and no port retries (a busy
    port is an error, not a surprise address), no browser, and Voila's safe defaults untouched
    (code cells stripped, tracebacks hidden). ``preheat`` keeps ``pool_size`` kernels with the
    dashboard already built, so a visitor's page is interactive in well under the 2.5 s target.

    Voila runs through :mod:`course_lib.dashboard_server`, which adds the course's hardening:
    kernel websockets must speak the v1 protocol (``--Voila.kernel_websocket_connection_class``)
    and the page comes from the ``course-dashboard`` template, which asks no other server for
    anything (``--template``).
    """
    from course_lib.dashboard_server import CONNECTION_OPTION, TEMPLATE_NAME

    notebook = Path(notebook) if notebook else Path(str(DASHBOARD_NOTEBOOK))
    pool_size = as_whole_number(pool_size, "pool_size", minimum=1, maximum=MAX_CLASS_SIZE)
    port = as_whole_number(port, "port", minimum=1, maximum=65535)
    command = [sys.executable, "-m", "course_lib.dashboard_server", str(notebook), "--no-browser",
               f"--Voila.ip={'0.0.0.0' if public else '127.0.0.1'}",  # noqa: S104 - only with --public
               f"--Voila.port={port}", "--Voila.port_retries=0", CONNECTION_OPTION, f"--template={TEMPLATE_NAME}"]
    if preheat:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
    return command


@dataclass
class PoolWatch:
    """Follows Voila's log lines about its kernel pool and says, in one line, when it changes.

    ``line(text)`` returns the sentence to print for a log line (or None): "ready for N
    visitors" once every preheated kernel has run the dashboard (the server logs
    ``Preheated kernels ready: N of M``, see :mod:`course_lib.dashboard_server`; Voila's own
    "pool is filled" line only means the kernels have started), and how many are left when
    visitors take them, until the pool is full again.
    """

    size: int
    ready: int = 0
    announced: bool = False

    def line(self, text: str) -> str | None:
        found = re.search(r"Preheated kernels ready: (\d+) of (\d+)", text)
        if found:
            self.ready = min(int(found.group(1)), self.size)
            if self.ready >= self.size and not self.announced:
                self.announced = True
                return f"Dashboard: ready for {self.size} visitors."
            return None
        if "Kernel pool of" in text and "is filled with" in text and not self.announced:
            return f"Dashboard: {self.size} kernels started; building the dashboard in each..."
        if "Using pre-heated kernel" in text:
            self.ready = max(0, self.ready - 1)
            self.announced = False
            return (f"Dashboard: a visitor took a preheated kernel; {self.ready} of {self.size} ready, "
                    "refilling (later visitors wait a few seconds until it is full again).")
        return None


def _public_address() -> str:
    """This machine's address as other machines on the network would use it (best guess)."""
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return socket.gethostname()


def main(argv=None) -> int:
    """``python -m course_lib.dashboard [--port N] [--class-size N] [--public] [--cold]``: serve the dashboard."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.dashboard", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--class-size", type=int, default=2,
                        help=f"visitors to keep a preheated kernel ready for (1 to {MAX_CLASS_SIZE}; default 2)")
    parser.add_argument("--public", action="store_true",
                        help="listen on every network interface, so students' machines can connect")
    parser.add_argument("--cold", action="store_true", help="no preheated kernels (slower first page)")
    args = parser.parse_args(argv)
    if not 1 <= args.class_size <= MAX_CLASS_SIZE:
        parser.error(f"--class-size must be a whole number from 1 to {MAX_CLASS_SIZE}; got {args.class_size}.")
    if not DASHBOARD_NOTEBOOK.is_file():
        raise SystemExit(f"The dashboard notebook is missing from the installed course_lib ({DASHBOARD_NOTEBOOK}): "
                         "reinstall the course (`pip install .` in the repository, or `make dashboard`).")
    with resources.as_file(DASHBOARD_NOTEBOOK) as notebook:
        command = voila_command(args.port, preheat=not args.cold, pool_size=args.class_size, notebook=notebook,
                                public=args.public)
        if args.public:
            print(f"Dashboard: give students http://{_public_address()}:{args.port}/ (Ctrl+C stops it).\n"
                  "WARNING: --public serves the dashboard to every machine that can reach this one; use it "
                  "only on a trusted network (a classroom, not a cafe).", flush=True)
        else:
            print(f"Dashboard: open http://127.0.0.1:{args.port}/ in a browser (Ctrl+C stops it).", flush=True)
        if args.cold:
            os.execv(command[0], command)  # noqa: S606 - replace this process with Voila on purpose
        print(f"Dashboard: preheating {args.class_size} kernels, about {args.class_size * KERNEL_MEMORY_MB} MB "
              "of memory; the page works at once, a full pool takes a few seconds per kernel.", flush=True)
        return _serve(command, PoolWatch(args.class_size))


def _stop_on_terminate(signum, frame):
    raise KeyboardInterrupt


def _serve(command: list[str], watch: PoolWatch) -> int:
    """Run Voila, pass its log through, and add the pool's state in plain words; stop it on Ctrl+C."""
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, bufsize=1)  # noqa: S603 - our command
    signal.signal(signal.SIGTERM, _stop_on_terminate)  # `kill` stops Voila too, never leaves it orphaned
    try:
        for text in server.stderr:
            sys.stderr.write(text)
            said = watch.line(text)
            if said:
                print(said, flush=True)
        return server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        try:
            return server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            return 1


if __name__ == "__main__":
    sys.exit(main())

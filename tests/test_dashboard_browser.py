"""The dashboard in a real browser: Voila serves it on loopback, Debian's Chromium (driven
by Playwright) opens it. For every panel: it renders; moving a control changes the
picture's pixels; garbage typed into a text box shows a message and the panel still works
afterwards. The page shows no notebook source and no traceback, and Voila's safe
defaults hide a failing cell's details.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course_lib.dashboard import voila_command
from tests.chromium import CHANGED, PIXELS, launch

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_voila(notebook: Path | None, port: int, cwd: Path = REPO) -> subprocess.Popen:
    """Start Voila exactly as `make dashboard` does (loopback, no port retries); wait until it listens.

    ``notebook=None`` serves the dashboard's own notebook (package data of course_lib).
    """
    process = subprocess.Popen(voila_command(port, notebook=notebook), cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voila exited with code {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("Voila did not start listening within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def seen_requests() -> list[str]:
    """Every URL the dashboard's tab asks for (requests and websockets), in order."""
    return []


@pytest.fixture(scope="module")
def page(browser, seen_requests):
    """The dashboard, served by Voila and open in a tab, interactive; its requests are recorded."""
    port = free_port()
    server = start_voila(None, port)
    try:
        tab = browser.new_page(viewport={"width": 1250, "height": 950})
        tab.on("request", lambda request: seen_requests.append(request.url))
        tab.on("websocket", lambda socket: seen_requests.append(socket.url))
        tab.goto(f"http://127.0.0.1:{port}/", timeout=90000)
        tab.locator("img.widget-image >> visible=true").first.wait_for(timeout=90000)
        yield tab
        tab.close()
    finally:
        stop(server)


def open_tab(page, title: str):
    page.locator(".lm-TabBar-tab", has_text=title).first.click()
    image = page.locator("img.widget-image >> visible=true").first
    image.wait_for(timeout=30000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=30000)
    assert len(image.get_attribute("title") or "") > 40  # the picture's text alternative, for screen readers
    return image


def pixels(image) -> str:
    return image.evaluate(PIXELS)


def wait_until_changed(page, image, before: str, timeout: float = 15000) -> None:
    page.wait_for_function(CHANGED, arg=[image.element_handle(), before], timeout=timeout)


def press_slider(page, index: int, key: str, times: int = 1) -> None:
    handle = page.locator(".noUi-handle >> visible=true").nth(index)
    handle.focus()
    for _ in range(times):
        handle.press(key)


def visible_message(page, text: str):
    return page.locator(".widget-html >> visible=true", has_text=text)


def test_page_shows_every_tab_no_source_no_traceback(page):
    tabs = [t.inner_text().strip() for t in page.locator(".lm-TabBar-tab").all()]
    assert tabs == ["Transform lab", "Composition & relu", "Uncrumpling", "Gradient descent", "Momentum",
                    "Graph stepper", "MNIST explorer", "Check yourself"]
    html = page.content()
    assert "build_dashboard" not in html and "import " not in page.inner_text("body")
    assert "Traceback" not in html


def test_transform_lab_slider_redraws(page):
    image = open_tab(page, "Transform lab")
    before = pixels(image)
    press_slider(page, 0, "ArrowRight", 6)  # rotate by 30 degrees
    wait_until_changed(page, image, before)


def test_transform_lab_survives_garbage_in_the_matrix(page):
    image = open_tab(page, "Transform lab")
    entry = page.locator(".widget-gridbox input >> visible=true").nth(1)
    entry.fill("abc")
    visible_message(page, "'abc' is not a number").wait_for(timeout=10000)
    entry.fill("inf")
    visible_message(page, "infinite value").wait_for(timeout=10000)
    before = pixels(image)
    entry.fill("1")  # a shear: the lab works again
    wait_until_changed(page, image, before)
    assert visible_message(page, "is not a number").count() == 0


def test_composition_relu_switch_redraws(page):
    image = open_tab(page, "Composition & relu")
    before = pixels(image)
    page.locator(".widget-checkbox input >> visible=true").first.check()
    wait_until_changed(page, image, before)
    visible_message(page, "largest gap between the two: 0.46").wait_for(timeout=10000)


def test_uncrumpling_layer_slider_redraws(page):
    image = open_tab(page, "Uncrumpling")
    before = pixels(image)
    press_slider(page, 0, "ArrowLeft", 2)
    wait_until_changed(page, image, before)


def test_gradient_descent_learning_rate_redraws(page):
    image = open_tab(page, "Gradient descent")
    before = pixels(image)
    press_slider(page, 0, "ArrowRight", 10)
    wait_until_changed(page, image, before)


def test_momentum_slider_redraws(page):
    image = open_tab(page, "Momentum")
    before = pixels(image)
    press_slider(page, 1, "ArrowLeft", 18)  # momentum down to 0: the purple run stops early
    wait_until_changed(page, image, before)
    visible_message(page, "momentum: w = 1.13: stuck in the local minimum").wait_for(timeout=10000)


def test_graph_stepper_steps_and_survives_garbage(page):
    image = open_tab(page, "Graph stepper")
    before = pixels(image)
    page.locator("button >> visible=true", has_text="next").first.click()
    wait_until_changed(page, image, before)
    entry = page.locator(".widget-text input >> visible=true").nth(1)  # w
    entry.fill("three")
    visible_message(page, "'three' is not a number").wait_for(timeout=10000)
    before = pixels(image)
    entry.fill("5")
    wait_until_changed(page, image, before)
    page.locator("button >> visible=true", has_text="all steps").first.click()
    visible_message(page, "grad(loss, w) += grad(loss, x1) x 2 = 2").wait_for(timeout=10000)


def test_mnist_explorer_picks_digits_and_survives_garbage(page):
    image = open_tab(page, "MNIST explorer")
    entry = page.locator(".widget-text input >> visible=true").first
    entry.fill("seven")
    visible_message(page, "'seven' is not a whole number").wait_for(timeout=10000)
    entry.fill("123456")
    visible_message(page, "there is no test image #123456").wait_for(timeout=10000)
    before = pixels(image)
    entry.fill("8")
    wait_until_changed(page, image, before)
    visible_message(page, "model says").wait_for(timeout=10000)
    before = pixels(image)
    page.locator("button >> visible=true", has_text="random digit").first.click()
    wait_until_changed(page, image, before)


def test_voila_defaults_hide_a_failing_cells_details(browser, tmp_path):
    """Voila's defaults (tracebacks hidden) are what we serve with: a crash leaks nothing."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("raise ValueError('secret-detail-42')")]), notebook)
    port = free_port()
    server = start_voila(notebook, port, cwd=tmp_path)
    try:
        tab = browser.new_page()
        tab.goto(f"http://127.0.0.1:{port}/", timeout=60000)
        tab.wait_for_load_state("networkidle", timeout=60000)
        html = tab.content()
        tab.close()
    finally:
        stop(server)
    assert "secret-detail-42" not in html and "Traceback" not in html
    assert "raise ValueError" not in html  # sources stripped


def test_dashboard_command_keeps_voila_defaults():
    command = voila_command(8866)
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command and "--Voila.port_retries=0" in command
    assert command[-2:] == ["--preheat_kernel=True", "--pool_size=2"]
    for unsafe in ("strip_sources", "show_tracebacks", "--debug", "0.0.0.0"):  # noqa: S104 - asserts it is NOT used
        assert not any(unsafe in flag for flag in command)
    assert "python -m course_lib.dashboard" in (REPO / "Makefile").read_text()
    project_configs = [p for p in REPO.rglob("voila.json") if ".venv" not in p.parts]
    assert project_configs == []  # no project-level Voila config that could change the defaults


def test_quiz_answers_instantly_and_survives_garbage(page):
    page.locator(".lm-TabBar-tab", has_text="Check yourself").first.click()
    visible_message(page, "0 of 11 right so far").wait_for(timeout=30000)
    boxes = page.locator(".widget-text input >> visible=true")
    assert boxes.count() == 11
    first = boxes.nth(0)
    first.fill("seven")
    first.press("Enter")
    visible_message(page, "could not read 'seven'").wait_for(timeout=10000)
    first.fill("(1, (60000,), 'uint8')")
    page.locator("button >> visible=true", has_text="Check").first.click()
    visible_message(page, "Correct!").wait_for(timeout=10000)
    visible_message(page, "1 of 11 right so far").wait_for(timeout=10000)
    shape = boxes.nth(5)
    shape.fill("(2, 3, 4, 5, 6)")
    shape.press("Enter")
    visible_message(page, "Hint: the last axis of x meets the first axis of y").wait_for(timeout=10000)


def stays_on_this_machine(url: str) -> bool:
    """Whether a URL is served by this machine: loopback addresses, data: URLs and the page's own blobs."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return parts.scheme == "data" or stays_on_this_machine(url[len("blob:"):])
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in ("127.0.0.1", "localhost", "::1")


def test_stays_on_this_machine_tells_local_from_remote():
    assert stays_on_this_machine("http://127.0.0.1:8866/voila/static/x.js")
    assert stays_on_this_machine("ws://127.0.0.1:8866/api/kernels/k/channels") and stays_on_this_machine("data:,x")
    assert stays_on_this_machine("blob:http://127.0.0.1:8866/0bc405d7")
    for remote in ("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css",
                   "blob:https://example.org/1", "http://127.0.0.1.nip.io/", "//fonts.googleapis.com/css"):
        assert not stays_on_this_machine(remote)


def test_page_asks_no_other_machine_for_anything(page, seen_requests):
    """Self-contained: opening every tab requests nothing from a CDN or any other host."""
    for title in ["Transform lab", "Composition & relu", "Uncrumpling", "Gradient descent", "Momentum",
                  "Graph stepper", "MNIST explorer"]:
        open_tab(page, title)
    page.locator(".lm-TabBar-tab", has_text="Check yourself").first.click()
    visible_message(page, "right so far").wait_for(timeout=30000)
    page.wait_for_load_state("networkidle", timeout=30000)
    assert any(url.startswith("ws://127.0.0.1") for url in seen_requests)  # the recording saw the kernel's socket
    assert [url for url in seen_requests if not stays_on_this_machine(url)] == []

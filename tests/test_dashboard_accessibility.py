"""The dashboard is accessible: checked with axe-core in a real browser, in both themes, and by hand.

- axe-core (from npm, ``node_modules``; ``make test`` runs ``npm ci``) finds no serious or
  critical problem on any tab, in JupyterLab's light and dark themes, with the coloured messages
  (an error, a right answer, a hint) on screen.
- Every control works from the keyboard alone: Tab reaches the tabs, sliders, text boxes,
  checkbox and buttons; arrow keys move a slider and switch tabs; typing, Enter and Space act;
  the picture changes each time, and so does its text alternative.
- The page asks no other machine for anything (light and dark pages alike).
- Without a browser: the course's message colours have WCAG AA contrast (4.5:1) on the backgrounds
  of the installed JupyterLab themes, and every dashboard panel describes its current picture.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from course_lib.dashboard import PANELS
from course_lib.panels import base
from tests.chromium import launch
from tests.test_dashboard_browser import (
    free_port,
    pixels,
    start_voila,
    stays_on_this_machine,
    stop,
    visible_message,
    wait_until_changed,
)

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TITLES = [title for title, _, _ in PANELS]
#: axe's two worst levels; "moderate" and "minor" (e.g. "all content in landmarks") are reported, not failed.
SEVERE = ("serious", "critical")


def contrast(foreground: str, background: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours (1 to 21), written out here on purpose."""

    def luminance(colour: str) -> float:
        channels = [int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def installed_theme_backgrounds(theme: str) -> set[str]:
    """--jp-layout-color0 and 1 of the JupyterLab theme Voila serves (read from its CSS file)."""
    css = Path(sys.prefix, "share/jupyter/voila/themes/@jupyterlab", f"theme-{theme}-extension/index.css").read_text()
    found = set()
    for name in ("--jp-layout-color0", "--jp-layout-color1"):
        value = re.search(rf"{name}:\s*([^;]+);", css).group(1).strip()
        value = re.search(r"#[0-9a-fA-F]{3,6}", value).group(0) if "#" in value else {"white": "#fff"}[value]
        found.add("#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value.lower())
    return found


# --- without a browser --------------------------------------------------------------------------


def test_theme_backgrounds_are_the_installed_jupyterlab_themes():
    for theme in ("light", "dark"):
        assert set(base.THEME_BACKGROUNDS[theme]) == installed_theme_backgrounds(theme)


@pytest.mark.parametrize("kind", sorted(base.MESSAGE_COLOURS))
def test_message_colours_meet_wcag_aa_in_both_themes(kind):
    light, dark = base.MESSAGE_COLOURS[kind]
    for background in base.THEME_BACKGROUNDS["light"]:
        assert contrast(light, background) >= 4.5, f"{kind} {light} on {background}: {contrast(light, background):.2f}"
    for background in base.THEME_BACKGROUNDS["dark"]:
        assert contrast(dark, background) >= 4.5, f"{kind} {dark} on {background}: {contrast(dark, background):.2f}"
    # The reason for two colours: the light one is unreadable on the dark theme (as the old #b00020 was).
    assert min(contrast(light, b) for b in base.THEME_BACKGROUNDS["dark"]) < 4.5


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic "just fails AA" grey
    assert contrast("#b00020", "#212121") == pytest.approx(2.2, abs=0.01)  # the dark-theme measurement


def test_coloured_sets_the_light_colour_and_the_dark_theme_override():
    text = base.coloured("right", "&#10004; Correct!", tag="div", style="margin:0")
    assert text.endswith('<div style="color:var(--course-right, #1b7a1b);margin:0">&#10004; Correct!</div>')
    assert "body[data-jp-theme-light='false']{" in text and "--course-right:#81c995;" in text


# What a control change must do to each dashboard panel's text alternative: (change, words now in it).
CHANGES = {
    "Transform lab": (lambda p: setattr(p.angle, "value", 30), "rotated by 30°"),
    "Composition & relu": (lambda p: setattr(p.relu_between, "value", True), "with relu between"),
    "Uncrumpling": (lambda p: setattr(p.layer, "value", 0), "as they enter the network"),
    "Gradient descent": (lambda p: setattr(p.learning_rate, "value", 1.0), "learning rate 1.000"),
    "Momentum": (lambda p: setattr(p.momentum, "value", 0.0), "with momentum 0.00"),
    "Graph stepper": (lambda p: p.next.click(), "step 2 of"),
    "MNIST explorer": (lambda p: setattr(p.index, "value", "8"), "Test image #8"),
}


def test_every_dashboard_panel_describes_its_current_picture(mnist_path, monkeypatch):
    monkeypatch.setenv("COURSE_MNIST_PATH", str(mnist_path))
    assert set(CHANGES) == set(TITLES) - {"Check yourself"}  # the quiz draws no picture
    for title, _, make in PANELS:
        if title not in CHANGES:
            continue
        panel = make()
        before = panel.view.alt
        assert len(before) > 40 and panel.view.image.tooltip == before, title
        change, words = CHANGES[title]
        assert words not in before, title
        change(panel)
        assert words in panel.view.alt and panel.view.image.tooltip == panel.view.alt, (title, panel.view.alt)


# --- in the browser -----------------------------------------------------------------------------


def _need_axe() -> str:
    if not AXE.is_file():
        message = f"axe-core is not installed at {AXE}: run `npm ci` in the repository (`make test` does)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, as in test_dashboard_browser."""
    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def server():
    """The dashboard's Voila server for this module; yields its address."""
    port = free_port()
    process = start_voila(None, port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)


def open_page(browser, url: str, requests: list):
    """A new tab on ``url`` that records every request and websocket it opens, once its first picture shows."""
    tab = browser.new_page(viewport={"width": 1250, "height": 950})
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("websocket", lambda socket: requests.append(socket.url))
    tab.goto(url, timeout=90000)
    tab.locator("img.widget-image >> visible=true").first.wait_for(timeout=90000)
    return tab


def select(tab, title: str) -> None:
    tab.locator(".lm-TabBar-tab", has_text=title).first.click()
    if title == "Check yourself":
        tab.locator(".widget-text input >> visible=true").first.wait_for(timeout=30000)
        return
    image = tab.locator("img.widget-image >> visible=true").first
    image.wait_for(timeout=30000)
    tab.wait_for_function("img => img.complete && img.naturalWidth > 0 && img.title", arg=image.element_handle(),
                          timeout=30000)


def severe_violations(tab) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per element."""
    found = tab.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                         ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => ["
                         "n.target.join(' '), n.failureSummary])}))")
    return [f"{v['id']} ({v['impact']}) at {target}: {' '.join(summary.split())}"
            for v in found if v["impact"] in SEVERE for target, summary in v["nodes"]]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.browser
@pytest.mark.server
def test_every_tab_passes_axe_with_messages_showing(browser, server, theme):
    axe = _need_axe()
    requests: list[str] = []
    tab = open_page(browser, server + ("?theme=dark" if theme == "dark" else ""), requests)
    try:
        assert tab.get_attribute("body", "data-jp-theme-light") == ("false" if theme == "dark" else "true")
        tab.add_script_tag(path=axe)
        problems = {}
        for title in TITLES:
            select(tab, title)
            if title == "Transform lab":  # an error message, in the error colour
                tab.locator(".widget-gridbox input >> visible=true").nth(1).fill("abc")
                message = visible_message(tab, "'abc' is not a number")
                message.wait_for(timeout=10000)
                colour = message.locator("span").first.evaluate("e => getComputedStyle(e).color")
                expected = base.MESSAGE_COLOURS["error"][1 if theme == "dark" else 0]
                assert colour == "rgb({}, {}, {})".format(*(int(expected[k:k + 2], 16) for k in (1, 3, 5)))
            if title == "Check yourself":  # a right answer and a hint
                boxes = tab.locator(".widget-text input >> visible=true")
                boxes.nth(0).fill("(1, (60000,), 'uint8')")
                boxes.nth(0).press("Enter")
                boxes.nth(5).fill("(2, 3, 4, 5, 6)")
                boxes.nth(5).press("Enter")
                visible_message(tab, "Correct!").wait_for(timeout=10000)
                visible_message(tab, "Hint:").wait_for(timeout=10000)
            problems[title] = severe_violations(tab)
    finally:
        tab.close()
    assert {t: p for t, p in problems.items() if p} == {}
    assert [url for url in requests if not stays_on_this_machine(url)] == []
    assert any(url.startswith("ws://127.0.0.1") for url in requests)  # the recording did see the kernel


def focus_by_keys(tab, key: str, test: str, limit: int = 40) -> None:
    """Press ``key`` (at most ``limit`` times) until ``test`` (JS, given the focused element) is true."""
    for _ in range(limit):
        tab.keyboard.press(key)
        if tab.evaluate(f"() => {{ const e = document.activeElement; return Boolean({test}); }}"):
            return
    focused = tab.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{key} x{limit} never reached [{test}]; focus is on {focused}")


def alt(tab) -> str:
    return tab.locator("img.widget-image >> visible=true").first.get_attribute("title") or ""


def wait_for_alt(tab, words: str) -> None:
    tab.wait_for_function("words => [...document.querySelectorAll('img.widget-image')].some("
                          "img => img.offsetParent && (img.title || '').includes(words))", arg=words, timeout=15000)


@pytest.mark.browser
@pytest.mark.server
def test_every_control_works_from_the_keyboard_alone(browser, server):
    requests: list[str] = []
    tab = open_page(browser, server, requests)
    try:
        image = tab.locator("img.widget-image >> visible=true").first
        # Tab from the top of the page to the open tab's title, then into the panel's first slider,
        # which a screen reader announces by its label.
        focus_by_keys(tab, "Tab", "e.getAttribute('role') === 'tab' && e.textContent.includes('Transform lab')")
        focus_by_keys(tab, "Tab", "e.getAttribute('role') === 'slider' && document.getElementById("
                                  "e.getAttribute('aria-labelledby')).textContent.includes('rotate')")
        assert "rotated by 0°" in alt(tab)
        before = pixels(image)
        for _ in range(6):
            tab.keyboard.press("ArrowRight")  # 6 steps of 5 degrees
        wait_until_changed(tab, image, before)
        wait_for_alt(tab, "rotated by 30°")
        # A text box of the free matrix: type a shear.
        focus_by_keys(tab, "Tab", "e.tagName === 'INPUT' && e.closest('.widget-gridbox')")
        focus_by_keys(tab, "Tab", "e.tagName === 'INPUT' && e.closest('.widget-gridbox') && e.value === '0'")
        before = pixels(image)
        tab.keyboard.press("Control+A")
        tab.keyboard.type("1")
        wait_until_changed(tab, image, before)
        # The relu checkbox with Space, the reset button with Enter.
        focus_by_keys(tab, "Tab", "e.type === 'checkbox'")
        tab.keyboard.press("Space")
        wait_for_alt(tab, "then relu")
        focus_by_keys(tab, "Tab", "e.tagName === 'BUTTON' && e.textContent.includes('reset')")
        before = pixels(image)
        tab.keyboard.press("Enter")
        wait_until_changed(tab, image, before)
        wait_for_alt(tab, "rotated by 0°")
        assert "then relu" not in alt(tab)
        # Back to the tab titles; arrow keys move along them, Enter opens one.
        focus_by_keys(tab, "Shift+Tab", "e.getAttribute('role') === 'tab'")
        focus_by_keys(tab, "ArrowRight", "e.getAttribute('role') === 'tab' && e.textContent.includes('Graph stepper')",
                      limit=len(TITLES))
        tab.keyboard.press("Enter")
        tab.wait_for_function("() => document.querySelector('[role=tab][aria-selected=true]')"
                              ".textContent.includes('Graph stepper')", timeout=10000)
        wait_for_alt(tab, "step 1 of")
        image = tab.locator("img.widget-image >> visible=true").first
        focus_by_keys(tab, "Tab", "e.tagName === 'BUTTON' && e.textContent.includes('next')")
        before = pixels(image)
        tab.keyboard.press("Space")
        wait_until_changed(tab, image, before)
        wait_for_alt(tab, "step 2 of")
    finally:
        tab.close()

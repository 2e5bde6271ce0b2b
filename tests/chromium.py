"""Debian's Chromium, driven by Playwright, as every browser test here uses it.

Playwright cannot download browsers on the build machines, so the tests launch Debian's
``/usr/bin/chromium`` (``make chromium`` installs it) with these flags. ``need_browser()`` returns
Playwright's sync API, or skips the test (fails it under CI) when something is missing;
``launch()`` is the module-scoped browser the test modules share as their ``browser`` fixture.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update"]
#: A picture's pixels as a data URL (to compare before and after a control moves).
PIXELS = ("img => { const c = document.createElement('canvas'); c.width = img.naturalWidth;"
          " c.height = img.naturalHeight; c.getContext('2d').drawImage(img, 0, 0); return c.toDataURL(); }")
#: True once the picture is loaded and its pixels differ from ``before`` (a PIXELS result).
CHANGED = ("([img, before]) => { if (!img.complete || !img.naturalWidth) return false;"
           " const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
           " c.getContext('2d').drawImage(img, 0, 0); return c.toDataURL() !== before; }")


def need_browser():
    """Playwright's sync API, when it and Chromium are installed; otherwise skip (fail under CI)."""
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is installed by `make test`")
    if not Path(CHROMIUM).exists():
        message = f"Debian's Chromium is not at {CHROMIUM}: `apt-get install chromium` (.ci/run does it)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return playwright


@contextmanager
def launch():
    """One headless Chromium (Playwright allows one sync driver at a time), closed afterwards."""
    playwright = need_browser()
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()

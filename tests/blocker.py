"""Make packages unimportable in this process, as if they were not installed.

``make quick`` blocks the heavy and instructor-only packages for the whole quick run
(``COURSE_QUICK_TESTS=1``, see ``conftest.py``), so a test that needs one of them and is
not marked for it fails loudly there; ``tests/test_layout.py`` blocks them in a
subprocess to show that every learner module imports in a learner's install.
"""

import importlib.abc
import sys

#: Packages a learner's install may lack (instructor-only, or the heavy Keras stack) and the
#: browser driver: blocked by ``make quick``.
QUICK_BLOCKED = ("keras", "tensorflow", "nbgrader", "nbconvert", "playwright")


class Blocker(importlib.abc.MetaPathFinder):
    """A finder that refuses ``names`` (and their submodules) with ModuleNotFoundError."""

    def __init__(self, names, reason: str):
        self.names, self.reason = tuple(names), reason

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} ({self.reason})", name=fullname)
        return None


def block(names, reason: str) -> None:
    """Refuse every later import of ``names`` in this process (already imported ones are dropped too)."""
    for name in list(sys.modules):
        if name.split(".")[0] in names:
            del sys.modules[name]
    sys.meta_path.insert(0, Blocker(names, reason))

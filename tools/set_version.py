#!/usr/bin/env python3
"""Set the course's release version everywhere a learner's copy depends on it.

Usage: python tools/set_version.py 0.2.0        (what `make release-version VERSION=0.2.0` runs)
       python tools/set_version.py --check      (exit 1 if any place disagrees with course_lib)

A notebook opened on Colab or Kaggle installs the course library at its own release, so
notebooks and library cannot drift apart: its install cell names the release tag
(``COURSE_RELEASE = "v0.1.0"``) and its Colab and Binder badges open that same tag. This
script rewrites, for one version:

- ``course_lib/__init__.py`` (``__version__``; pyproject.toml reads it from there) and
  ``grading/pyproject.toml`` (the instructor package is released with the course);
- in every notebook under ``notebooks/`` and ``assignments/``: the install cell's
  ``COURSE_RELEASE`` and the badges' ``blob/<tag>/`` and ``/<tag>?labpath=`` parts;
- ``CITATION.cff``'s ``version:`` line, if the file exists.

Then tag the release commit ``v<version>`` (after `make student-versions`, `make test`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
INIT = REPO / "course_lib" / "__init__.py"
GRADING = REPO / "grading" / "pyproject.toml"
CITATION = REPO / "CITATION.cff"

#: (pattern, replacement template) applied to notebook cell sources; {tag} is "v<version>".
NOTEBOOK_RULES = [
    (re.compile(r'COURSE_RELEASE = "v[^"]*"'), 'COURSE_RELEASE = "{tag}"'),
    (re.compile(r"(colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/)[^/]+/"), r"\g<1>{tag}/"),
    (re.compile(r"(mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/)[^?/]+\?"), r"\g<1>{tag}?"),
]


def current_version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"', INIT.read_text(encoding="utf-8"), re.M)
    if not match:
        raise SystemExit(f"no __version__ line in {INIT}")
    return match.group(1)


def notebooks() -> list[Path]:
    return sorted((REPO / "notebooks").glob("*.ipynb")) + sorted((REPO / "assignments").rglob("*.ipynb"))


def rewrite_notebook(text: str, tag: str) -> str:
    """Return the notebook JSON text with every install cell and badge pointing at ``tag``."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for pattern, template in NOTEBOOK_RULES:
            source = pattern.sub(template.replace("{tag}", tag), source)
        cell["source"] = source.splitlines(keepends=True)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def places(version: str) -> dict[Path, str]:
    """Every file this script manages, with the text it should have for ``version``."""
    tag = f"v{version}"
    wanted = {INIT: re.sub(r'^__version__ = "[^"]*"', f'__version__ = "{version}"',
                           INIT.read_text(encoding="utf-8"), flags=re.M),
              GRADING: re.sub(r'^version = "[^"]*"', f'version = "{version}"',
                              GRADING.read_text(encoding="utf-8"), flags=re.M)}
    if CITATION.exists():
        wanted[CITATION] = re.sub(r"^version: .*$", f"version: {version}", CITATION.read_text(encoding="utf-8"),
                                  flags=re.M)
    for path in notebooks():
        wanted[path] = rewrite_notebook(path.read_text(encoding="utf-8"), tag)
    return wanted


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("version", nargs="?", help="the new version, e.g. 0.2.0")
    parser.add_argument("--check", action="store_true", help="only report places that disagree")
    args = parser.parse_args(argv)
    version = current_version() if args.check or not args.version else args.version
    if not VERSION.match(version):
        print(f"error: a version looks like 1.2.3; got {version!r}.", file=sys.stderr)
        return 2
    stale = [path for path, text in places(version).items() if path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(REPO)}: not at version {version} (run `make release-version VERSION={version}`)",
                  file=sys.stderr)
        return 1 if stale else 0
    for path, text in places(version).items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
    print(f"Version {version}: {len(stale)} files updated. Now `make student-versions`, `make test`, commit, "
          f"and tag the commit v{version}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

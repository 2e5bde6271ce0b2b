"""Checking student versions: no line of a solution or a hidden test may reach ``release/``.

``make student-versions`` runs :func:`check_release` (``python -m course_grading
check-release``) right after nbgrader has generated the student versions.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

#: The markers nbgrader uses in instructor sources.
SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
#: Lines shorter than this ("pass", "else:", "return x") are too common to count as a leak.
MIN_LEAK_LENGTH = 12


def find_leaks(source, release) -> list[str]:
    """Return the lines of ``source``'s solutions and hidden tests that appear in ``release``.

    ``source`` and ``release`` are notebooks (nbformat nodes). Lines that the source also
    shows outside those blocks (an ``import`` the learner keeps, say) and lines shorter
    than :data:`MIN_LEAK_LENGTH` characters are not counted; nbgrader's markers always are.
    """
    inside, outside = set(), set()
    for cell in source.cells:
        text = cell.source
        blocks = SOLUTION_BLOCK.findall(text) + HIDDEN_BLOCK.findall(text)
        for block in blocks:
            inside.update(line.strip() for line in block.splitlines())
        remainder = HIDDEN_BLOCK.sub("", SOLUTION_BLOCK.sub("", text))
        outside.update(line.strip() for line in remainder.splitlines())
    secret = {line for line in inside - outside if len(line) >= MIN_LEAK_LENGTH}
    shown = [line.strip() for cell in release.cells for line in cell.source.splitlines()]
    leaks = [line for line in shown if line in secret]
    leaks += [line for line in shown if any(marker in line for marker in MARKERS)]
    return list(dict.fromkeys(leaks))


def check_release(course_dir) -> list[str]:
    """Return problems with the student versions in ``release/``: missing ones and leaks."""
    course = Path(course_dir)
    problems = []
    for source_path in sorted(course.glob("source/*/*.ipynb")):
        release_path = course / "release" / source_path.relative_to(course / "source")
        if not release_path.exists():
            problems.append(f"{release_path}: missing (run `make student-versions`)")
            continue
        leaks = find_leaks(nbformat.read(str(source_path), 4), nbformat.read(str(release_path), 4))
        problems += [f"{release_path}: leaks {line!r}" for line in leaks]
    return problems

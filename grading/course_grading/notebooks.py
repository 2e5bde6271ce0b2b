"""Helpers shared by the grading modules for reading nbgrader notebooks."""

from __future__ import annotations


def nbgrader_meta(cell) -> dict:
    """The ``nbgrader`` metadata of ``cell`` (empty for an ordinary cell)."""
    return cell.get("metadata", {}).get("nbgrader", {})

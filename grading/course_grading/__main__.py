"""Command line (run from the repository root; the Makefile's grading targets call it)::

    python -m course_grading collect a1_tensors --course assignments
    python -m course_grading report a1_tensors --course assignments
    python -m course_grading check-release --course assignments
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import course_grading
from course_grading.collect import collect, format_result
from course_grading.release import check_release
from course_grading.report import question_results, write_report
from course_grading.sandbox import report_notes


def main(argv: list[str] | None = None) -> int:
    """Command line: ``collect ASSIGNMENT``, ``report ASSIGNMENT`` or ``check-release`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m course_grading",
                                     description=course_grading.__doc__.split("\n")[0])
    parser.add_argument("command", choices=["collect", "report", "check-release"])
    parser.add_argument("assignment", nargs="?", help="assignment name, e.g. a1_tensors (for collect and report)")
    parser.add_argument("--course", default="assignments", help="the nbgrader course folder (default: assignments)")
    args = parser.parse_args(argv)
    course = Path(args.course)
    if not (course / "nbgrader_config.py").exists():
        print(f"error: {course} is not the course folder (no nbgrader_config.py there).", file=sys.stderr)
        return 2
    if args.command == "check-release":
        problems = check_release(course)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"Student versions in {course / 'release'}: present, with no solutions or hidden tests.")
        return 1 if problems else 0
    if not args.assignment:
        names = ", ".join(sorted(p.name for p in (course / "source").iterdir() if p.is_dir()))
        print(f"error: name the assignment, one of: {names}", file=sys.stderr)
        return 2
    if args.command == "collect":
        if not (course / "source" / args.assignment).is_dir():
            print(f"error: no assignment {args.assignment} in {course / 'source'}.", file=sys.stderr)
            return 2
        result = collect(course, args.assignment)
        summary, errors = format_result(result, course, args.assignment)
        print(summary)
        if errors:
            print(errors, file=sys.stderr)
        return 1 if result.errors else 0
    if not (course / "gradebook.db").exists():
        print(f"error: no gradebook in {course}: run `make student-versions` and `make autograde` first.",
              file=sys.stderr)
        return 2
    rows = question_results(course, args.assignment)
    csv_path, md_path = write_report(rows, args.assignment, course / "reports",
                                     notes=report_notes(course, args.assignment))
    print(md_path.read_text(encoding="utf-8"))
    print(f"Report written to {md_path} and {csv_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

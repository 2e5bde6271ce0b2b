#!/usr/bin/env python3
"""Measure how long autograding takes on this machine; write a Markdown table and JSON.

Usage (from the repository root, after `make grader` or `make test`):
    .venv/bin/python benchmarks/grading_benchmark.py                  # 10 submissions per assignment, ~8 min on 2 cores
    .venv/bin/python benchmarks/grading_benchmark.py --submissions 30 # a class of 30
    .venv/bin/python benchmarks/grading_benchmark.py --assignments a1_tensors a4_gradients --repeat 1
    .venv/bin/python benchmarks/grading_benchmark.py --tiny           # seconds: one submission of assignment 1

For each assignment it copies the course folder, generates the student versions, hands
in ``--submissions`` copies of the instructor's solution, and times the instructor
guide's own commands, ``make collect`` and ``make autograde`` (nbgrader grades one
notebook after another, each in a fresh kernel), the latter both as instructors run it, each
notebook in the bubblewrap sandbox, and with ``SANDBOX=off``: the sandbox's overhead (target:
at most 25 %). The two are run ``--repeat`` times each, alternating, and the fastest of each
counts. Writes benchmarks/results/grading.{md,json} (or --out). A benchmark: it reports,
asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "assignments"
RESULTS = Path(__file__).resolve().parent / "results"


def make(*args: str) -> float:
    """Run a Makefile target; return its wall-clock seconds."""
    start = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), f"VENV={sys.prefix}", *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"make {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def solution_notebook(source_path: Path):
    """The instructor's notebook as a perfect learner would hand it in."""
    nb = nbformat.read(str(source_path), as_version=4)
    for cell in nb.cells:
        cell.source = "\n".join(line for line in cell.source.splitlines() if "### " not in line)
    return nb


def full_marks(course: Path, assignment: str) -> int:
    """How many learners the last report gives every point."""
    with open(course / "reports" / f"{assignment}.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return len({row["student"] for row in rows} - {row["student"] for row in rows
                                                   if float(row["score"]) < float(row["max_score"])})


def grade(assignment: str, submissions: int, workdir: Path, repeat: int = 2) -> dict:
    course = workdir / assignment / "assignments"
    course.mkdir(parents=True)
    shutil.copytree(COURSE / "source", course / "source")
    shutil.copy(COURSE / "nbgrader_config.py", course)
    make("student-versions", f"COURSE={course}")
    archive = course / "downloaded" / assignment / "archive"
    archive.mkdir(parents=True)
    nb = solution_notebook(course / "source" / assignment / f"{assignment}.ipynb")
    for k in range(submissions):
        nbformat.write(nb, archive / f"learner{k:03d}_{assignment}.ipynb")
    collect = make("collect", f"COURSE={course}", f"ASSIGNMENT={assignment}")
    times, marks = {"on": [], "off": []}, {}
    for _ in range(repeat):
        for sandbox in ("on", "off"):
            times[sandbox].append(make("autograde", f"COURSE={course}", f"ASSIGNMENT={assignment}",
                                       f"SANDBOX={sandbox}"))
            marks[sandbox] = full_marks(course, assignment)
    on, off = min(times["on"]), min(times["off"])
    return {"assignment": assignment, "submissions": submissions, "collect_s": round(collect, 2),
            "autograde_s": round(on, 2), "per_submission_s": round(on / submissions, 2),
            "autograde_off_s": round(off, 2), "per_submission_off_s": round(off / submissions, 2),
            "overhead_pct": round(100 * (on / off - 1), 1), "runs_s": {k: [round(t, 2) for t in v]
                                                                      for k, v in times.items()},
            "full_marks": min(marks.values())}


def table(rows: list[dict], tiny: bool, repeat: int) -> str:
    lines = ["# Autograding time", "",
             f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}."
             + (" **tiny smoke run: not a measurement.**" if tiny else ""), "",
             "`make autograde` grades each notebook in the bubblewrap sandbox; `SANDBOX=off` without it. "
             f"Fastest of {repeat} run(s) each, alternating.", "",
             "| assignment | submissions | collect (s) | autograde (s) | per submission (s) "
             "| per submission, SANDBOX=off (s) | sandbox overhead | full marks |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['assignment']} | {row['submissions']} | {row['collect_s']:.1f} "
                     f"| {row['autograde_s']:.1f} | {row['per_submission_s']:.2f} "
                     f"| {row['per_submission_off_s']:.2f} | {row['overhead_pct']:+.0f} % "
                     f"| {row['full_marks']}/{row['submissions']} |")
    per_learner = sum(row["per_submission_s"] for row in rows)
    overhead = 100 * (sum(row["autograde_s"] for row in rows) / sum(row["autograde_off_s"] for row in rows) - 1)
    lines += ["", f"All {len(rows)} assignment(s) for one learner: about {per_learner:.0f} s of grading; "
                  f"for a class of 30, about {30 * per_learner / 60:.0f} min on this machine.",
              f"The sandbox adds {overhead:.0f} % to the grading time overall (target: at most 25 %).", ""]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--assignments", nargs="*", default=sorted(p.name for p in (COURSE / "source").iterdir()))
    parser.add_argument("--repeat", type=int, default=2, help="autograde runs per mode (sandbox on, off)")
    parser.add_argument("--tiny", action="store_true", help="one submission of the first assignment only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.tiny:
        args.submissions, args.assignments, args.repeat = 1, args.assignments[:1], 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in args.assignments:
            rows.append(grade(assignment, args.submissions, Path(tmp), args.repeat))
            print(f"{assignment}: {rows[-1]['autograde_s']:.1f} s for {args.submissions} submission(s) sandboxed, "
                  f"{rows[-1]['autograde_off_s']:.1f} s with SANDBOX=off", flush=True)
    name = "grading-tiny" if args.tiny else "grading"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.md").write_text(table(rows, args.tiny, args.repeat), encoding="utf-8")
    (args.out / f"{name}.json").write_text(json.dumps({"machine": platform.platform(), "cores": os.cpu_count(),
                                                       "repeat": args.repeat, "rows": rows}, indent=2),
                                           encoding="utf-8")
    print(table(rows, args.tiny, args.repeat))


if __name__ == "__main__":
    main()

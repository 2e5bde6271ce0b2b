"""The benchmark commands run and write their files (smoke tests on tiny sizes, not timed tests)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.keras
@pytest.mark.server
def test_training_benchmark_tiny_run_writes_table_and_json(tmp_path, mnist_path):
    env = {**__import__("os").environ, "COURSE_MNIST_PATH": str(mnist_path), "COURSE_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "benchmarks/training_benchmark.py", "--tiny", "--out", str(tmp_path)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((tmp_path / "training-tiny.json").read_text())
    assert [row["name"].split(",")[0] for row in data["rows"]] == [
        "add + relu", "chapter 1 fit", "chapter 6 from-scratch loop"]
    assert all(row["ratio"] > 0 for row in data["rows"])
    table = (tmp_path / "training-tiny.md").read_text()
    assert "| benchmark | device |" in table and "tiny smoke run" in table


@pytest.mark.grader
@pytest.mark.server
def test_grading_benchmark_tiny_run_writes_table_and_json(tmp_path):
    result = subprocess.run([sys.executable, "benchmarks/grading_benchmark.py", "--tiny", "--out", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((tmp_path / "grading-tiny.json").read_text())
    assert [(row["assignment"], row["submissions"], row["full_marks"])
            for row in data["rows"]] == [("a1_tensors", 1, 1)]
    assert data["rows"][0]["autograde_s"] > 0
    table = (tmp_path / "grading-tiny.md").read_text()
    assert "| assignment | submissions |" in table and "tiny smoke run" in table

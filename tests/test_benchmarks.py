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


def _class_benchmark():
    """benchmarks/class_benchmark.py as a module (it needs no browser until it opens one)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("class_benchmark", REPO / "benchmarks" / "class_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_class_benchmark_frames_are_v1_frames_the_hardened_server_accepts():
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    from course_lib.dashboard_server import v1_frame_problem

    bench = _class_benchmark()
    comm_open, request = bench.request_states_messages("session-1", "comm-1")
    for message in (comm_open, request):
        frame = bench.to_frame(message)
        assert v1_frame_problem(frame) is None
        channel, parts = deserialize_msg_from_ws_v1(frame)
        assert channel == "shell" and len(parts) == 4
        assert json.loads(parts[0]) == message["header"] and json.loads(parts[3]) == message["content"]
    assert comm_open["content"]["target_name"] == "jupyter.widget.control"
    assert comm_open["metadata"] == {"version": "1.0.0"}
    assert request["content"] == {"comm_id": "comm-1", "data": {"method": "request_states"}}
    # A reply as Jupyter Server forwards it: recognised only on iopub, for our comm, with update_states.
    reply = bench.kernel_message("comm_msg", {"comm_id": "comm-1", "data": {"method": "update_states", "states": {}}},
                                 "kernel")
    channel, header, content, buffers = bench.from_frame(bench.to_frame(reply, "iopub"))
    assert bench.is_update_states(channel, header, content, "comm-1") and buffers == 0
    assert not bench.is_update_states(channel, header, content, "comm-2")
    assert not bench.is_update_states("shell", header, content, "comm-1")


def test_class_benchmark_reads_the_kernel_id_and_makes_an_eager_notebook(tmp_path):
    from course_lib.dashboard import DASHBOARD_NOTEBOOK

    bench = _class_benchmark()
    page = '<script id="jupyter-config-data">{"baseUrl": "/", "kernelId": "7d3f96a3-9918-46ac-bd24-cd9f72b0fc11"}'
    assert bench.page_kernel_id(page) == "7d3f96a3-9918-46ac-bd24-cd9f72b0fc11"
    with pytest.raises(ValueError, match="must name its kernel"):
        bench.page_kernel_id("<html>no kernel here</html>")
    original = json.loads(Path(str(DASHBOARD_NOTEBOOK)).read_text())
    copy = json.loads(bench.eager_notebook(Path(str(DASHBOARD_NOTEBOOK)), tmp_path / "eager.ipynb").read_text())
    code = ["".join(c["source"]) for c in copy["cells"] if c["cell_type"] == "code"]
    assert sum("build_dashboard(eager=True)" in text for text in code) == 1
    assert "build_dashboard()" not in "".join(code)
    assert len(copy["cells"]) == len(original["cells"]) and copy["metadata"] == original["metadata"]


def test_class_benchmark_knows_a_kernel_is_preheated_when_it_has_run_the_last_cell():
    from course_lib.dashboard import DASHBOARD_NOTEBOOK

    bench = _class_benchmark()
    last = bench.last_code_cell(Path(str(DASHBOARD_NOTEBOOK)))
    assert last.endswith("build_dashboard()")

    def parts(msg_type, parent_id, content):
        header = {"msg_type": msg_type, "msg_id": f"{msg_type}-{parent_id}"}
        return [b"kernel.iopub", b"<IDS|MSG>", b"signature", *(json.dumps(part).encode() for part in (
            header, {"msg_id": parent_id, "msg_type": "execute_request"}, {}, content))]

    watch = bench.IopubWatch(last)
    try:
        # Voila's own first request (it sets VOILA_KERNEL_ID) ends before the notebook runs: not preheated yet.
        watch.see(7, parts("execute_input", "setup", {"code": "import os"}), now=1.0)
        watch.see(7, parts("status", "setup", {"execution_state": "idle"}), now=1.5)
        watch.see(7, parts("execute_input", "cell", {"code": last + "\n"}), now=2.0)
        watch.see(7, parts("status", "cell", {"execution_state": "busy"}), now=2.0)
        assert watch.done == {}
        watch.see(7, [b"not a kernel message"], now=2.5)
        watch.see(7, parts("status", "cell", {"execution_state": "idle"}), now=3.0)
        watch.see(7, parts("status", "cell", {"execution_state": "idle"}), now=9.0)
        assert watch.done == {7: 3.0}
    finally:
        watch.close()
    # ... and the server has settled when it has used (almost) no CPU for over a second.
    quiet = [(k / 5, "S", 3.0) for k in range(8)]
    assert bench.settled(quiet)
    assert not bench.settled(quiet[:3])  # too short to tell
    assert not bench.settled([(k / 5, "R", 3.0 + k * 0.1) for k in range(8)])


def test_class_benchmark_summary_and_advice_follow_the_numbers():
    bench = _class_benchmark()
    assert bench.summary([3.0, 1.0, 2.0, 10.0]) == {"n": 4, "median": 2.5, "p95": 10.0, "max": 10.0}
    assert bench.summary([]) is None
    results = [{"ok": True, "state_s": t, "page_s": 0.1, "widgets": 124, "state_kb": 112.0, "panel_errors": 0}
               for t in (0.5, 1.5, 6.0)] + [{"ok": False, "error": "TimeoutError: "}]
    sessions = bench.summarise_sessions(results)
    assert (sessions["sessions"], sessions["with_state"], sessions["within_target"]) == (4, 3, 2)
    pool = {"filled_line_s": 4.0, "preheated_s": 150.0, "server_settled_s": 170.0, "kernels": 4,
            "cpu_s_per_kernel": 1.0, "rss_mb_per_kernel": {"median": 100.0, "max": 101.0}, "rss_mb_all_kernels": 400,
            "server_rss_mb": 90.0}
    eager_pool = {**pool, "cpu_s_per_kernel": 2.0, "rss_mb_per_kernel": {"median": 125.0, "max": 126.0}}
    report = {"date": "today", "class_size": 4, "sessions": 4, "note": "", "machine": {
        "arch": "x86_64", "cores": 2, "memory_gb": 10.0, "python": "3.11", "load_average_at_start": [1.0],
        "versions": {"voila": "0.5.13", "ipywidgets": "8.1.9"}},
        "modes": {"lazy": {"pool_size": 4, "pool": pool, "protocol": sessions},
                  "eager": {"pool_size": 4, "pool": eager_pool, "protocol": sessions}}}
    report["advice"] = lines = bench.advice(report)
    assert 2 <= len(lines) <= 4
    assert "CLASS_SIZE=4" in lines[1] and "at least 3 min" in lines[1] and "ready after 170 s" in lines[1]
    assert "saves 25 MB and 1.0 s of CPU" in lines[2]
    assert "2 of 4 sessions waited more than 5 s" in lines[3]
    table = bench.to_markdown(report)
    assert "| measure | first tab built (shipped) | all tabs built | target |" in table
    assert "| 4 sessions at once: widget state within 5 s | 2 of 4 | 2 of 4 | 4 of 4 |" in table


@pytest.mark.server
def test_class_benchmark_tiny_run_gets_the_widget_state_over_the_kernel_websocket(tmp_path):
    env = {**__import__("os").environ, "COURSE_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "benchmarks/class_benchmark.py", "--tiny", "--out", str(tmp_path)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lazy = json.loads((tmp_path / "class-benchmark-tiny.json").read_text())["modes"]["lazy"]
    assert lazy["pool"]["kernels"] == 1 and lazy["pool"]["rss_mb_per_kernel"]["median"] > 20
    assert lazy["pool"]["filled_line_s"] <= lazy["pool"]["preheated_s"]
    protocol = lazy["protocol"]
    assert (protocol["sessions"], protocol["with_state"], protocol["errors"]) == (1, 1, [])
    assert protocol["widgets"] > 20 and protocol["panel_errors"] == 0  # the first tab's panel, built
    table = (tmp_path / "class-benchmark-tiny.md").read_text()
    assert "| measure | first tab built (shipped) | target |" in table and "tiny smoke run" in table

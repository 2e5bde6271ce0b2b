"""Running a function under another Keras backend in a subprocess, or showing its recorded run."""

import pytest

from course_lib import other_backends as ob


def prints_and_returns(steps=2):
    import os

    for step in range(steps):
        print(f"step {step + 1} on {os.environ['KERAS_BACKEND']}")
    return [0.5, 0.25][:steps]


def fails():
    raise RuntimeError("no luck")


@pytest.mark.server
def test_a_live_run_prints_returns_and_says_where_it_ran(capsys):
    run = ob.run_on_backend(prints_and_returns, "tensorflow")  # installed here; the function imports no Keras
    assert run.live and run.result == [0.5, 0.25] and run.output == "step 1 on tensorflow\nstep 2 on tensorflow\n"
    shown = capsys.readouterr().out
    assert shown.startswith("step 1 on tensorflow\n") and "[backend run: ran here just now" in shown
    assert "KERAS_BACKEND=tensorflow (tensorflow " in run.provenance


@pytest.mark.server
def test_a_failing_function_reports_its_error():
    with pytest.raises(RuntimeError, match="fails failed under KERAS_BACKEND=tensorflow:(.|\n)*no luck"):
        ob.run_on_backend(fails, "tensorflow", show=False)


def test_without_the_backend_the_recorded_run_is_shown_and_labelled(monkeypatch, capsys):
    monkeypatch.setattr(ob, "backend_installed", lambda backend: False)
    run = ob.run_on_backend(prints_and_returns, "torch")
    assert not run.live and run.result == ob.RECORDED_RUNS["torch"].result and len(run.result) == 3
    shown = capsys.readouterr().out
    assert shown.startswith("torch: step 1, loss ") and "[backend run: torch is not installed here, so" in shown
    assert "recorded on 2026-11-23" in shown and "with torch 2.14.1, Keras 3.15.1" in shown


def test_recorded_runs_print_what_they_return():
    for backend, saved in ob.RECORDED_RUNS.items():
        lines = saved.output.splitlines()
        assert lines == [f"{backend}: step {i + 1}, loss {loss:.4f}" for i, loss in enumerate(saved.result)]


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="backend must be one of \\['jax', 'tensorflow', 'torch'\\]; got 'mxnet'"):
        ob.run_on_backend(prints_and_returns, "mxnet")
    with pytest.raises(ValueError, match="function must be a function"):
        ob.run_on_backend(42, "jax")
    with pytest.raises(ValueError, match="cannot be read"):
        ob.function_source(print)

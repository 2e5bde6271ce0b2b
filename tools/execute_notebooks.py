#!/usr/bin/env python3
"""Re-execute notebooks top to bottom in a fresh kernel and save them with their outputs.

Usage: python tools/execute_notebooks.py [NOTEBOOK_OR_DIR ...]   (default: notebooks/)

This is "Restart kernel and run all" + save, done the same way every time:
- the kernel does not capture C++ output on fd 1/2 (`capture_fd_output=False`), so
  TensorFlow's start-up log lines never land in a saved notebook;
- no per-cell timing metadata is recorded, so re-running changes only real outputs;
- a cell that raises stops the run and nothing is saved, unless the cell is tagged
  `raises-exception`.
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=False,  # live widgets are re-created when the notebook runs
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
    )
    client.execute()
    nbformat.write(nb, path)


def main(argv):
    for name, value in QUIET.items():
        os.environ.setdefault(name, value)
    targets = [Path(a) for a in argv] or [Path("notebooks")]
    paths = []
    for t in targets:
        paths += sorted(t.glob("*.ipynb")) if t.is_dir() else [t]
    for path in paths:
        print(f"executing {path} ...", flush=True)
        execute(path)
    print(f"saved {len(paths)} notebooks")


if __name__ == "__main__":
    main(sys.argv[1:])

# The course's two entry points (see README "Quick start"):
#   make dashboard  set up .venv and serve the live dashboard (Voila) on http://127.0.0.1:8866
#   make test       set up .venv with the test tools and run the whole suite, offline
# and for learners and maintainers:
#   make lab        set up .venv and open the chapter notebooks in JupyterLab
# Everything installs into .venv from the pinned requirements/ files; nothing global.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888
DASHBOARD_PORT ?= 8866

# Keep TensorFlow's C++ start-up chatter out of notebooks and test logs.
export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
# Build machines keep an offline copy of MNIST beside the checkout; use it when present.
COURSE_MNIST_PATH ?= $(abspath $(firstword $(wildcard ../shared/datasets/mnist.npz)))
export COURSE_MNIST_PATH

# Jupyter refuses to start as root (containers, build machines) unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: dashboard lab test unit notebooks check-env mnist chromium clean

# Voila on loopback with its safe defaults (code stripped, tracebacks hidden) and two
# preheated kernels; the exact command is course_lib.dashboard.voila_command.
dashboard: $(VENV)/.base-installed
	-$(BIN)/python -m course_lib.data
	$(BIN)/python -m course_lib.dashboard --port $(DASHBOARD_PORT)

lab: $(VENV)/.base-installed
	-$(BIN)/python -m course_lib.environment
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ALLOW_ROOT)

test: $(VENV)/.test-installed mnist chromium
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests notebooks $(NBVAL)

# Unit tests only (no notebooks): the quick loop while editing course_lib.
unit: $(VENV)/.test-installed
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests

# Re-execute every notebook top to bottom and save it with its outputs (maintainers).
notebooks: $(VENV)/.test-installed mnist
	COURSE_OFFLINE=1 $(BIN)/python tools/execute_notebooks.py notebooks

check-env: $(VENV)/.base-installed
	$(BIN)/python -m course_lib.environment

# Make sure MNIST is on disk before anything runs offline: the local file named by
# COURSE_MNIST_PATH, the Keras cache, or (announced, once) the normal Keras download.
mnist: $(VENV)/.base-installed
	$(BIN)/python -m course_lib.data --ensure

# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download browsers
# here). Install it when missing and allowed (root, or password-less sudo); otherwise say so.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: no chromium at /usr/bin/chromium and no way to install it here: the browser tests will be skipped (CI fails instead)."; \
	  fi; }

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "This course needs Python 3.10 to 3.13 (3.11 is tested); found %d.%d. Set PYTHON=python3.11." % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements/base.txt -e .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed requirements/test.txt
	$(BIN)/python -m pip install --quiet -r requirements/test.txt
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis course_lib.egg-info

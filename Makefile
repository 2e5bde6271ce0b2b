# The course's two entry points (see README "Quick start"):
#   make dashboard  set up .venv and serve the live dashboard (Voila) on http://127.0.0.1:8866
#   make test       set up .venv with the test tools and run the whole suite (lint included), offline
# and for learners and maintainers:
#   make lab        set up .venv and open the chapter notebooks in JupyterLab
#                   (make lab LAB_DIR=assignments/release for the assignments)
# and for instructors (README "Assignments"; all offline once `make grader` has run):
#   make student-versions | collect | autograde | feedback | grades   ASSIGNMENT=a1_tensors
# Everything installs into .venv from the pinned requirements/ files; nothing global.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888
DASHBOARD_PORT ?= 8866
# Visitors to keep a preheated kernel ready for (make dashboard CLASS_SIZE=30); PUBLIC=yes listens on
# every interface, for students' own machines (a trusted network only).
CLASS_SIZE ?= 2
PUBLIC ?= no
LAB_DIR ?= notebooks

# Keep TensorFlow's C++ start-up chatter out of notebooks and test logs.
export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
# Intel Macs run Keras on JAX: TensorFlow has no build for them after 2.16 (requirements/base.txt).
ifeq ($(shell uname -s)/$(shell uname -m),Darwin/x86_64)
export KERAS_BACKEND ?= jax
endif
# Build machines keep an offline copy of MNIST beside the checkout; use it when present.
COURSE_MNIST_PATH ?= $(abspath $(firstword $(wildcard ../shared/datasets/mnist.npz)))
export COURSE_MNIST_PATH

# Jupyter refuses to start as root (containers, build machines) unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Every notebook nbval re-executes: the chapters and the dashboard's (package data of course_lib).
NOTEBOOKS := notebooks course_lib/dashboard.ipynb
# The edit loop: every test that needs neither TensorFlow, nbgrader, a browser nor a server.
QUICK := -m "not keras and not grader and not browser and not server"

.PHONY: dashboard lab hub test quick lint unit notebooks check-env mnist chromium bubblewrap clean colab-check release-version website support-matrix \
	grader student-versions collect autograde feedback grades

# Voila on loopback with its safe defaults (code stripped, tracebacks hidden) and two
# preheated kernels; the exact command is course_lib.dashboard.voila_command.
dashboard: $(VENV)/.base-installed
	-$(BIN)/python -m course_lib.data
	$(BIN)/python -m course_lib.dashboard --port $(DASHBOARD_PORT) --class-size $(CLASS_SIZE) $(if $(filter yes,$(PUBLIC)),--public)

# JupyterHub on this machine, for a demo (docs/jupyterhub.md): any user name, password HUB_PASSWORD
# (one is made up and printed when empty); each user's dashboard is at /user/<name>/voila/render/course/dashboard.ipynb.
HUB_PASSWORD ?=
hub: $(VENV)/.test-installed node_modules/.installed
	COURSE_HUB_PASSWORD=$(HUB_PASSWORD) $(BIN)/jupyterhub -f hub/jupyterhub_config.py

lab: $(VENV)/.base-installed
	-$(BIN)/python -m course_lib.environment
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_DIR) --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ALLOW_ROOT)

test: $(VENV)/.test-installed $(VENV)/.docs-installed node_modules/.installed mnist chromium bubblewrap lint
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests $(NOTEBOOKS) $(NBVAL)

# The quick loop while editing course_lib (well under a minute): no notebooks, and none of the
# tests marked keras, grader, browser or server (see pyproject.toml's markers).
quick: $(VENV)/.test-installed lint
	COURSE_OFFLINE=1 COURSE_QUICK_TESTS=1 $(BIN)/python -m pytest tests $(QUICK) -q

# Lint: ruff with the rules in pyproject.toml, over the code, the tests and the notebooks.
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

# Unit tests only (no notebooks), all of them.
unit: $(VENV)/.test-installed
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests

# Re-execute every notebook top to bottom and save it with its outputs (maintainers).
notebooks: $(VENV)/.test-installed mnist
	COURSE_OFFLINE=1 $(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# The chapter notebooks under a Colab-like stack (requirements/colab.txt: Colab's older numpy,
# ipywidgets 7, Keras and TensorFlow), compared output by output like `make test` does. Needs
# PyPI once for .venv-colab; the result is recorded in README "Colab and Kaggle".
COLAB_VENV ?= .venv-colab
colab-check: mnist
	@test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet -r requirements/colab.txt
	$(COLAB_VENV)/bin/python -m pip install --quiet --no-deps .
	COURSE_OFFLINE=1 $(COLAB_VENV)/bin/python -m pytest notebooks $(NBVAL) -p no:cacheprovider

# The course website: the six chapter notebooks with their saved outputs (never executed), as
# static HTML, built offline; any Sphinx warning (a broken link among them) fails it.
# Open $(WEBSITE_OUT)/index.html.
WEBSITE_OUT ?= website/_build/html
website: $(VENV)/.docs-installed
	$(BIN)/python website/build.py --out $(WEBSITE_OUT)

$(VENV)/.docs-installed: $(VENV)/.base-installed requirements/docs.txt
	$(BIN)/python -m pip install --quiet -r requirements/docs.txt
	@touch $@

# Which platforms and Pythons can install requirements/base.txt, by resolving the pins on PyPI
# for each (network, about 2 minutes); writes docs/support-matrix.md and fails if a supported
# combination no longer resolves.
support-matrix: $(VENV)/.base-installed
	$(BIN)/python tools/support_matrix.py

# Set the release version everywhere (library, install cells, badges): make release-version VERSION=0.2.0
release-version:
	@test -n "$(VERSION)" || { echo "Name the version: make release-version VERSION=0.2.0"; exit 2; }
	$(PYTHON) tools/set_version.py $(VERSION)

check-env: $(VENV)/.base-installed
	$(BIN)/python -m course_lib.environment

# Make sure MNIST is on disk before anything runs offline: the local file named by
# COURSE_MNIST_PATH, the Keras cache, or (announced, once) the normal Keras download.
mnist: $(VENV)/.base-installed
	$(BIN)/python -m course_lib.data --ensure

# Install a Debian package when its command is missing and installing is allowed (root, or
# password-less sudo); otherwise say what happens without it.
#   $(call apt-install,COMMAND,PACKAGE,what it is for,note when it cannot be installed)
define apt-install
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then SUDO=; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; \
	  else echo "note: no $(1) and no way to install it here: $(4)"; exit 0; fi; \
	  echo "Installing Debian's $(2), $(3)..."; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(2) >/dev/null; }
endef

# Test-only tools from npm (package.json, exact versions in package-lock.json): axe-core for the
# accessibility checks in the browser tests, configurable-http-proxy for the JupyterHub test.
node_modules/.installed: package.json package-lock.json
	$(call apt-install,npm,npm,for the test tools from npm,the accessibility and JupyterHub tests will fail.)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download browsers here).
chromium:
	$(call apt-install,chromium,chromium,for the browser tests,the browser tests will be skipped (CI fails instead).)

# Autograding runs every submission in a bubblewrap sandbox (README "Assignments").
bubblewrap:
	$(call apt-install,bwrap,bubblewrap,the autograding sandbox,install bubblewrap (your system's package) or autograding refuses to run (SANDBOX=off grades without it - in a throwaway machine only).)

# Python 3.11 to 3.13: numpy 2.4.6 needs 3.11 or newer, TensorFlow 2.21 has no build for 3.14 (docs/support-matrix.md).
$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "This course needs Python 3.11 to 3.13 (3.11 is tested); found %d.%d: numpy 2.4.6 needs 3.11 or newer, TensorFlow 2.21 has no build for 3.14 (docs/support-matrix.md). Install one (Ubuntu 22.04: sudo apt install python3.11 python3.11-venv) and set PYTHON=python3.11." % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements/base.txt -e .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed requirements/test.txt requirements/grader.txt grading/pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements/test.txt
	@touch $@ $(VENV)/.grader-installed

$(VENV)/.grader-installed: $(VENV)/.base-installed requirements/grader.txt grading/pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements/grader.txt
	@touch $@

# --- Assignments (nbgrader) -----------------------------------------------------------
# COURSE is the nbgrader course folder; every nbgrader command runs inside it, so it reads
# COURSE/nbgrader_config.py and keeps COURSE/gradebook.db. GRADER_FLAGS passes extra
# nbgrader options (e.g. --Execute.timeout=20).
COURSE ?= assignments
ASSIGNMENT ?=
GRADER_FLAGS ?=
# Learners' code runs in a bubblewrap sandbox (grading/course_grading/sandbox.py). SANDBOX=off
# grades without it: only inside a throwaway machine, and the report says so.
SANDBOX ?= on
ASSIGNMENTS = $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard $(COURSE)/source/*/*.ipynb)))))
NBGRADER = cd "$(abspath $(COURSE))" && PATH="$(abspath $(BIN)):$$PATH" nbgrader
COURSE_PYTHON = $(abspath $(BIN))/python -m course_grading
need-assignment = @test -n "$(ASSIGNMENT)" -a -d "$(COURSE)/source/$(ASSIGNMENT)" || { \
	echo "Name the assignment: make $@ ASSIGNMENT=<name>, one of: $(ASSIGNMENTS)"; exit 2; }

grader: $(VENV)/.grader-installed

# Student versions: release/<assignment>/ without solutions or hidden tests (then checked).
student-versions: $(VENV)/.grader-installed
	@for a in $(ASSIGNMENTS); do $(NBGRADER) generate_assignment $$a --force --log-level=WARN || exit 1; done
	$(COURSE_PYTHON) check-release --course "$(abspath $(COURSE))"

# Collect: downloaded/<assignment>/archive/ (notebooks, folders, zips) -> submitted/<student>/<assignment>/.
# Every file is collected or named in an error, and then it exits non-zero (grading/course_grading/collect.py).
collect: $(VENV)/.grader-installed
	$(need-assignment)
	$(COURSE_PYTHON) collect $(ASSIGNMENT) --course "$(abspath $(COURSE))"

# Autograde every collected submission, each in the sandbox (refused when bwrap is missing;
# SANDBOX=off grades without it), then write reports/<assignment>.md and .csv. nbgrader
# logs errors only: its warnings (one per test cell with hidden tests, restored cells) are
# all said more plainly, per learner and question, in the report.
autograde: export COURSE_GRADING_SANDBOX = $(SANDBOX)
autograde: $(VENV)/.grader-installed
	$(need-assignment)
	@$(abspath $(BIN))/python -m course_grading.sandbox check --course "$(abspath $(COURSE))" --assignment $(ASSIGNMENT)
	$(NBGRADER) autograde $(ASSIGNMENT) --force --log-level=ERROR $(GRADER_FLAGS); status=$$?; \
	$(COURSE_PYTHON) report $(ASSIGNMENT) --course "$(abspath $(COURSE))" || exit $$?; \
	if [ $$status -ne 0 ]; then echo "nbgrader could not run some submissions: see the report and the log above."; fi; \
	exit $$status

# One HTML page per learner, in feedback/<student>/<assignment>/.
feedback: $(VENV)/.grader-installed
	$(need-assignment)
	$(NBGRADER) generate_feedback $(ASSIGNMENT) --force --log-level=WARN

# Every learner's score on every assignment, as grades.csv in the course folder.
grades: $(VENV)/.grader-installed
	$(NBGRADER) export --to grades.csv --log-level=WARN
	@echo "Grades written to $(COURSE)/grades.csv"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build course_lib.egg-info grading/course_grading.egg-info grading/build website/_build

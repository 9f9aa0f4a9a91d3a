# Single entry point. `make test` is what CI runs (.ci/run); `make demo` is the lab swing migration.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
# The browser test drives Debian's Chromium through Playwright (no browser download).
CHROMIUM ?= /usr/bin/chromium
export ENTRA_CONNECT_CHROMIUM := $(CHROMIUM)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo's own venv: the runtime requirements only (requirements-demo.txt), not the test toolchain.
DEMO_VENV := .venv-demo
DEMO_BIN := $(DEMO_VENV)/bin
DEMO_STAMP := $(DEMO_VENV)/.installed
COLLECTION_LINK := .collections/ansible_collections/hybrid_identity/entra_connect
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Tools find each other (ansible-lint runs ansible-playbook, molecule runs ansible-playbook).
export PATH := $(CURDIR)/$(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv demo-venv browser-deps test test-legs test-gates test-full lint ruff changelog ansible-lint sanity units pscheck molecule ee demo demo-bad clean bench lab-reset integration integration-matrix certification kill-sweep

help:
	@echo "make demo  - swing migration against the lab (emulated servers, no Windows)"
	@echo "make demo-bad - a bad promotion stopped by the gates (exits non-zero on purpose)"
	@echo "make test  - every quality gate: ruff, ansible-lint, unit tests, PowerShell check, molecule, then sanity,"
	@echo "             the lab integration suite on ansible-core 2.16 and 2.21, galaxy-importer, EE build contexts"
	@echo "make venv  - create .venv and the collection link used by ansible-playbook/ansible-doc"
	@echo "make lab-reset - return the lab inventory (inventories/lab) to its starting state"

venv: $(STAMP) $(COLLECTION_LINK)

$(STAMP): requirements.txt requirements-test.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# `make demo` needs ansible-core and the controller's requirements only; the playbooks find the
# collection through playbooks/collections/ (a link in git), so no collection link is made.
demo-venv: $(DEMO_STAMP)

$(DEMO_STAMP): requirements.txt requirements-demo.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_BIN)/python -m pip install --quiet --upgrade pip
	$(DEMO_BIN)/python -m pip install --quiet -r requirements-demo.txt
	touch $@

# A relative link, so the checkout can move. Tools that walk the tree exclude .collections.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

# The legs (sanity, then the lab integration suite, on ansible-core 2.16 and 2.21 at once) take one
# job slot for their whole run; the other gates take the other slot one after another. Each
# target's output is printed when it ends; the legs print their summary (and the end of a failed
# check's log) last.
test: venv browser-deps
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-legs test-gates
	@echo "make test: all gates passed"

test-legs: $(COLLECTION_LINK)
	$(PYTHON) tools/legs.py --quiet sanity,integration $(LEGS)

test-gates: ruff changelog pscheck ansible-lint units molecule certification ee

# Every fault effect at every step of the fault matrix (make test runs error and unreachable).
test-full: test
	ENTRA_CONNECT_FULL_MATRIX=1 $(BIN)/pytest --no-cov -p no:cacheprovider -s tests/integration/test_fault_matrix.py

# kill -9 of switch_roles and swing_migration after each write helper call, each followed by one
# rerun that must converge (issue #22); prints every kill point and the figures. Slow: not in make test.
# ENTRA_CONNECT_KILL_SWEEP_STRIDE=k keeps every k-th kill point; ..._WORKERS sets the parallel cases.
kill-sweep: venv
	ENTRA_CONNECT_KILL_SWEEP=1 $(BIN)/pytest --no-cov -p no:cacheprovider -s tests/integration/test_kill_sweep.py

lint: ruff ansible-lint

ruff: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ansible-lint: venv
	$(BIN)/ansible-lint --profile production --offline

units: venv
	$(BIN)/pytest tests/unit

# The ansible-core legs (tools/legs.py): core216 (ansible-core 2.16, Python 3.11: what AAP 2.5/2.6
# and Red Hat's certification run) and core221 (the newest ansible-core, Python 3.13). Each leg has
# its own venv (.venv-<leg>, made from tests/integration/requirements-<leg>.txt with that leg's
# Python); the legs run at the same time, each output line prefixed with the leg's name (logs in
# tests/output/legs/). A leg whose Python is missing is SKIPPED with a message, never silently:
# set PYTHON_core216= / PYTHON_core221= to a Python to run it. `make integration LEGS=core216` runs one.
LEGS ?= core216 core221
export PYTHON_core216 ?= python3.11
export PYTHON_core221 ?= $(or $(lastword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13)),python3.13)

# Real ansible-playbook runs on private copies of the lab inventories, on every leg: the story,
# idempotence, check mode, bad inventories, the bad promotion, the fault matrix, the documented
# examples, and the HTML report in Chromium (screenshots in tests/output/browser/<leg>/).
integration: $(COLLECTION_LINK) browser-deps
	$(PYTHON) tools/legs.py integration $(LEGS)

# Kept for the habit of issue 15's first round: the same as `make integration`.
integration-matrix: integration

# The PowerShell checks (parse, then the helper contract and cmdlet catalogue); their own tests
# run inside `units`.
pscheck: venv
	$(BIN)/python tools/pscheck.py
	$(BIN)/python tools/helpercheck.py

changelog: venv
	$(BIN)/antsibull-changelog lint

# ansible-test sanity on every leg, no ignore entries (tools/run_sanity.py explains the offline
# workarounds). `.venv/bin/python tools/run_sanity.py` runs it on .venv's ansible-core 2.19.
sanity: $(COLLECTION_LINK)
	$(PYTHON) tools/legs.py sanity $(LEGS)

# Automation Hub's import gate: galaxy-importer (ansible-core 2.16, ansible-lint on PATH) on the
# built collection tarball, in its own venv; any error or warning fails (tools/run_importer.py).
IMPORTER_VENV := build/venv-importer
IMPORTER_STAMP := $(IMPORTER_VENV)/.installed

$(IMPORTER_STAMP): tools/requirements-importer.txt
	@command -v $(PYTHON_core216) >/dev/null || { echo "$(PYTHON_core216) not found: set PYTHON_core216=/path/to/python3.11" >&2; exit 1; }
	rm -rf $(IMPORTER_VENV)
	$(PYTHON_core216) -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(IMPORTER_VENV)/bin/python -m pip install --quiet -r tools/requirements-importer.txt
	touch $@

certification: $(IMPORTER_STAMP)
	$(IMPORTER_VENV)/bin/python tools/run_importer.py

molecule: venv
	$(BIN)/python tools/run_molecule.py

# The execution environments' build contexts (an AAP 2.5 base with ansible-core 2.16, and a public
# base with ansible-core 2.21), and the collection's own EE metadata read the way ansible-builder
# reads it when a user's EE installs this collection (tools/check_ee.py).
ee: venv
	$(BIN)/python tools/check_ee.py

bench: venv
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(BIN)/python $$b; done

# The swing migration rehearsal on the lab: reset, migrate from 2.5.190.0 so that aadc03 (new, 2.6.92.0) becomes
# active, then show that switch_roles has nothing left to do.
demo: demo-venv
	$(DEMO_BIN)/ansible-playbook -i inventories/lab playbooks/lab_reset.yml
	$(DEMO_BIN)/ansible-playbook -i inventories/lab playbooks/swing_migration.yml
	$(DEMO_BIN)/ansible-playbook -i inventories/lab playbooks/switch_roles.yml
	@echo "make demo: aadc03 is active; reports in inventories/lab/.reports/, backups in inventories/lab/.backups/"

# A bad promotion (the candidate lost an OU from its scope) stopped by the gates: exits non-zero.
demo-bad: demo-venv
	$(DEMO_BIN)/ansible-playbook -i inventories/lab-bad-promotion playbooks/lab_reset.yml
	@if $(DEMO_BIN)/ansible-playbook -i inventories/lab-bad-promotion playbooks/switch_roles.yml; then \
		echo "make demo-bad: the bad promotion was NOT stopped" >&2; exit 2; fi; \
	report=$$(ls -td inventories/lab-bad-promotion/.reports/*/ | head -1)report.html; \
	echo "make demo-bad: the gates stopped the promotion; see $$report" >&2; \
	exit 1

# Return the lab (inventories/lab) to the starting state its inventory describes.
lab-reset: demo-venv
	$(DEMO_BIN)/ansible-playbook -i inventories/lab playbooks/lab_reset.yml

# Debian's chromium package for the browser test, installed when missing (as root, or with sudo).
browser-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else \
			echo "$(CHROMIUM) is missing and apt-get needs root: install Debian's chromium package, or set CHROMIUM=" >&2; exit 1; fi; \
		$$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
			{ $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }; \
	fi
	@"$(CHROMIUM)" --version 2>/dev/null

clean:
	rm -rf build .pytest_cache .ruff_cache .coverage htmlcov tests/output

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

.PHONY: help venv demo-venv browser-deps test test-full lint ruff changelog ansible-lint sanity units pscheck molecule ee demo demo-bad clean bench lab-reset integration integration-matrix

help:
	@echo "make demo  - swing migration against the lab (emulated servers, no Windows)"
	@echo "make demo-bad - a bad promotion stopped by the gates (exits non-zero on purpose)"
	@echo "make test  - every quality gate: ruff, ansible-lint, sanity, unit tests, PowerShell check, molecule, EE"
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

test: venv ruff changelog pscheck ansible-lint units sanity molecule integration ee
	@echo "make test: all gates passed"

# Every fault effect at every step of the fault matrix (make test runs error and unreachable).
test-full: test
	ENTRA_CONNECT_FULL_MATRIX=1 $(BIN)/pytest --no-cov -p no:cacheprovider -s tests/integration/test_fault_matrix.py

lint: ruff ansible-lint

ruff: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ansible-lint: venv
	$(BIN)/ansible-lint --profile production --offline

units: venv
	$(BIN)/pytest tests/unit

# Real ansible-playbook runs on private copies of the lab inventories: the story, idempotence,
# check mode, bad inventories, the bad promotion, the fault matrix, and the HTML report in Chromium
# (screenshots in tests/output/browser/).
integration: venv browser-deps
	$(BIN)/pytest --no-cov -p no:cacheprovider -s tests/integration

# The lab integration suite on other ansible-core versions (issue 15), one leg per venv made from
# tests/integration/requirements-<leg>.txt with that leg's Python: core216 (ansible-core 2.16,
# Python 3.11, what AAP 2.5/2.6 run) and core221 (the newest ansible-core, Python 3.13). The tests
# run in the leg's venv and lab_runs.py takes ansible-playbook from it (ENTRA_CONNECT_VENV). The
# browser test stays on .venv (`make integration`). A leg whose Python is missing is skipped with
# a message, never silently: set PYTHON_core216= / PYTHON_core221= to a Python to run it.
MATRIX_LEGS := core216 core221
PYTHON_core216 ?= python3.11
PYTHON_core221 ?= $(or $(lastword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13)),python3.13)

integration-matrix: $(addprefix integration-,$(MATRIX_LEGS))
	@echo "make integration-matrix: legs $(MATRIX_LEGS) done (see above for skipped legs)"

integration-core%: $(COLLECTION_LINK)
	@py='$(PYTHON_core$*)'; venv=.venv-core$*; req=tests/integration/requirements-core$*.txt; \
	if ! command -v "$$py" >/dev/null 2>&1; then \
		echo "integration-core$*: SKIPPED - $$py not found (set PYTHON_core$*=/path/to/python)" >&2; exit 0; fi; \
	if [ ! -f $$venv/.installed ] || [ $$req -nt $$venv/.installed ] || [ requirements.txt -nt $$venv/.installed ]; then \
		rm -rf $$venv; "$$py" -m venv $$venv; \
		$$venv/bin/python -m pip install --quiet --upgrade pip; \
		$$venv/bin/python -m pip install --quiet -r $$req; \
		touch $$venv/.installed; fi; \
	echo "integration-core$*: $$($$venv/bin/ansible-playbook --version | head -1), $$($$venv/bin/python --version)"; \
	start=$$SECONDS; \
	ENTRA_CONNECT_VENV=$$venv $$venv/bin/pytest -p no:cacheprovider -o addopts=-ra -s tests/integration \
		--ignore=tests/integration/test_report_browser.py; \
	echo "integration-core$*: passed in $$((SECONDS - start)) s"

# The PowerShell checks (parse, then the helper contract and cmdlet catalogue); their own tests
# run inside `units`.
pscheck: venv
	$(BIN)/python tools/pscheck.py
	$(BIN)/python tools/helpercheck.py

changelog: venv
	$(BIN)/antsibull-changelog lint

sanity: venv
	$(BIN)/python tools/run_sanity.py

molecule: venv
	$(BIN)/python tools/run_molecule.py

ee: venv
	rm -rf build/ee-context
	$(BIN)/ansible-builder create --file meta/execution-environment.yml --context build/ee-context --output-filename Containerfile
	test -s build/ee-context/Containerfile

bench: venv
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(BIN)/python $$b; done

# The swing migration rehearsal on the lab: reset, migrate so that aadc03 (new, 2.4.18.0) becomes
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

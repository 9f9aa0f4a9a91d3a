# Single entry point. `make test` is what CI runs (.ci/run); `make demo` is the lab swing migration.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTION_LINK := .collections/ansible_collections/hybrid_identity/entra_connect
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Tools find each other (ansible-lint runs ansible-playbook, molecule runs ansible-playbook).
export PATH := $(CURDIR)/$(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv test lint ruff changelog ansible-lint sanity units pscheck molecule ee demo clean bench lab-reset

help:
	@echo "make demo  - swing migration against the lab (not built yet)"
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

# A relative link, so the checkout can move. Tools that walk the tree exclude .collections.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

test: venv ruff changelog pscheck ansible-lint units sanity molecule ee
	@echo "make test: all gates passed"

lint: ruff ansible-lint

ruff: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ansible-lint: venv
	$(BIN)/ansible-lint --profile production --offline

units: venv
	$(BIN)/pytest tests/unit

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

demo: venv
	@echo "make demo: the lab swing migration is not built yet (issues 6-8)."
	@echo "It will reset the lab and run playbooks/swing_migration.yml on inventories/lab."

# Return the lab (inventories/lab) to the starting state its inventory describes.
lab-reset: venv
	$(BIN)/ansible-playbook -i inventories/lab playbooks/lab_reset.yml

clean:
	rm -rf build .pytest_cache .ruff_cache .coverage htmlcov tests/output

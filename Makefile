# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs the pinned dependencies (constraints.txt) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
HOST   ?= 127.0.0.1
PORT   ?= 8765

.PHONY: run test spec conformance bench bench-smoke mutation clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run: $(BIN)/python setup.cfg pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.run
	$(PIP) -e '.[test]'
	touch $@

run: $(VENV)/.run  ## serve the default fixture on 127.0.0.1:8765
	$(BIN)/mockserver serve --host $(HOST) --port $(PORT)

test: $(VENV)/.test  ## every test, schemathesis included
	$(BIN)/python -m pytest

spec: $(VENV)/.run  ## regenerate the committed OpenAPI document
	$(BIN)/mockserver spec -o openapi/openapi.json

$(VENV)/.bench: $(VENV)/.test bench/requirements.txt
	$(PIP) -r bench/requirements.txt
	touch $@

bench: $(VENV)/.bench  ## measure start-up, throughput, latency, scale; writes bench/RESULTS.md
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-smoke: $(VENV)/.bench  ## the same harness, seconds not minutes (< 60 s)
	$(BIN)/python bench/run.py --smoke

$(VENV)/.mutation: $(VENV)/.test mutation/requirements.txt
	$(PIP) -r mutation/requirements.txt
	touch $@

# Seeded rule bugs, then mutmut over the domain rules (setup.cfg [mutmut]), each in a temp copy
# of the repo; both write mutation/RESULTS.md. Fails if a seeded bug survives.
mutation: $(VENV)/.mutation  ## seeded-bug check, then mutmut (MUTMUT_ARGS: a subset, --timeout)
	$(BIN)/python mutation/seeded.py; status=$$?; \
	$(BIN)/python mutation/run_mutmut.py $(MUTMUT_ARGS) && exit $$status

conformance: $(VENV)/.test  ## schemathesis with SPEC (default: ours) against a fresh fake, as a table
	$(BIN)/python tests/fuzz/conformance.py $(if $(SPEC),--spec $(SPEC)) $(if $(BASE_PATH),--base-path $(BASE_PATH))

clean:
	rm -rf $(VENV) build *.egg-info .hypothesis .schemathesis reports

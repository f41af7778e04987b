# omicform: every command sets up .venv from nothing when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPECS := nmdc:nmdc-runtime nemo:nemo-archive

.PHONY: test lint generate check-generated demo bench clean record

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# Plan and apply the example against a local sandbox of both services (examples/demo.sh).
# It installs only the package it runs (not the [test] toolchain), under its own stamp.
DEMO_STAMP := $(VENV)/.demo-installed

$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	bash examples/demo.sh

# Figures for docs/performance.md; never part of `make test`. About 7 minutes on 2 cores,
# most of it the official client listing 10,000 samples 20 at a time.
# bench/reconciler.py (parallelism 1/8/32, the NeMO manifest check) is run by hand.
bench: $(STAMP)
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/sandbox_rps.py

lint: $(STAMP)
	$(BIN)/ruff check sync tests
	$(BIN)/ruff format --check sync tests
	$(BIN)/mypy -p omicform
	$(BIN)/lint-imports  # imports point down only: [tool.importlinter] in pyproject.toml

# Regenerates generated/ from specs/ with the pinned openapi-python-client and ruff;
# specs/templates/ replaces some of its templates (models imported on first use).
generate: $(STAMP)
	$(BIN)/openapi-spec-validator specs/nmdc-runtime.yaml specs/nemo-archive.yaml
	for pair in $(SPECS); do \
	  key=$${pair%%:*}; spec=$${pair#*:}; \
	  (cd generated && PATH="$(CURDIR)/$(BIN):$$PATH" $(CURDIR)/$(BIN)/openapi-python-client generate \
	    --path ../specs/$$spec.yaml --config ../specs/codegen-$$key.yaml \
	    --meta none --output-path omicform_$${key}_client --overwrite \
	    --custom-template-path ../specs/templates) || exit 1; \
	done

check-generated: generate
	git diff --exit-code -- generated/
	test -z "$$(git status --porcelain -- generated/)"

# Re-records cassettes/ against a fresh sandbox on 127.0.0.1:18765 (tests/replay/conftest.py),
# then replays every cassette with the network blocked and scans them all for secrets.
record: $(STAMP)
	find cassettes -name '*.yaml' -delete 2>/dev/null || true
	OMICFORM_RECORD=1 $(BIN)/python -m pytest tests/replay -q -p no:cacheprovider
	$(BIN)/python -m pytest tests/replay tests/test_cassettes_scrubbed.py -q -p no:cacheprovider --block-network

clean:
	rm -rf $(VENV)

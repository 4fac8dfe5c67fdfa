# mtus-kg task runner. `make help` lists the targets. CI (.ci/run) calls these same targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
STORE  ?= var/store

.PHONY: help install run reason serve test lint typecheck check bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install the project with its dev tools

run: $(STAMP) ## the main job: reason over the seed case into the embedded store, then serve the API
	$(BIN)/mtus reason examples/seed-case.ttl --store $(STORE)
	@echo "\nAPI on http://127.0.0.1:8000 (OpenAPI at /docs, SPARQL at /sparql); Ctrl-C stops it"
	$(BIN)/mtus serve --store $(STORE)

reason: $(STAMP) ## reason over the seed case only (no server)
	$(BIN)/mtus reason examples/seed-case.ttl --store $(STORE)

serve: $(STAMP) ## serve the API on 127.0.0.1:8000 (SERVE_ARGS="--no-access-log --workers N ...")
	$(BIN)/mtus serve --store $(STORE) $(SERVE_ARGS)

test: $(STAMP) ## run the test suite
	$(BIN)/pytest

lint: $(STAMP) ## ruff
	$(BIN)/ruff check reasoner api tests bench

typecheck: $(STAMP) ## mypy on reasoner/ and api/
	$(BIN)/mypy reasoner api

check: $(STAMP) ## guideline QC: authoring shapes, OWL consistency (HermiT), guideline test cases
	$(BIN)/mtus check

bench: $(STAMP) ## benchmarks: in-process, HTTP and the naive pipeline, as ratios in one run
	$(BIN)/python bench/bench_reason.py --http

clean: ## remove the venv, build/ and var/
	rm -rf $(VENV) build var

# mtus-kg task runner. `make help` lists the targets. CI (.ci/run) calls these same targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
STORE  ?= var/store
PORT   ?= 8000
API    := http://127.0.0.1:$(PORT)

.PHONY: help install run reason serve test lint typecheck check bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install the project with its dev tools

# The next steps it prints work while the server runs: the server holds the store's write
# lock, so they go through the API, open the store read-only (mtus query) or skip it
# (--no-store); `mtus reason --store $(STORE)` would fail until the server stops.
run: $(STAMP) ## the main job: reason over the seed case into the embedded store, then serve the API (PORT=8000)
	$(BIN)/mtus reason examples/seed-case.ttl --store $(STORE)
	@echo ""
	@echo "API on $(API) (OpenAPI at /docs, SPARQL at /sparql); Ctrl-C stops it."
	@echo "While it runs, from another shell in this directory:"
	@echo "  curl -s $(API)/health"
	@echo "  curl -s $(API)/v1/reason -H 'Content-Type: text/turtle' --data-binary @examples/seed-case.ttl"
	@echo "  curl -s $(API)/sparql -H 'Accept: text/csv' --data-urlencode query@docs/seed-determination.rq"
	@echo "  $(BIN)/mtus query docs/seed-determination.rq --store $(STORE)"
	@echo "  $(BIN)/mtus reason examples/seed-case.jsonld --no-store"
	@echo ""
	$(BIN)/mtus serve --store $(STORE) --port $(PORT)

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

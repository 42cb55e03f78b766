# bansos — developer and user entry points. Every target installs what it needs first.
#   make demo   create .venv, install bansos, run the main job on sample_data/
#   make test   install the test tools (and the spark extra) and run the whole test suite
#   make check  format check, lint, type check, import contracts, tests
#   make bench  performance benchmarks (large generated data; results in docs/benchmarks.md)
#   make bench-scale  dedup on 10 million generated rows (minutes; not part of make bench)
#   make bench-scale-validate  validate 20 million generated CSV rows on the streaming engine
#                     against 1 million in memory (SCALE_ROWS=5000000 for a shorter run)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
RUN_STAMP  := $(VENV)/.stamp-run
DEV_STAMP  := $(VENV)/.stamp-dev
BENCH_STAMP := $(VENV)/.stamp-bench
SPARK_STAMP := $(VENV)/.stamp-spark
OUT    ?= bansos-out

.PHONY: help install install-dev demo test check fmt format-check lint typecheck contracts \
        bench bench-dedup bench-scale bench-scale-validate sample-data docs-cli docs-outputs docs-report-pages clean

help:
	@sed -n 's/^#   //p' Makefile

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bansos needs Python >= 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@ $(RUN_STAMP)

# the tests of --engine spark need pyspark and a Java runtime: the JRE comes from apt only
# when no `java` is on the PATH (a fresh CI machine), never replacing one that is there
$(SPARK_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev,spark]"
	@command -v java >/dev/null 2>&1 || .ci/install-java
	@touch $@ $(DEV_STAMP) $(RUN_STAMP)

$(BENCH_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	@touch $@ $(DEV_STAMP) $(RUN_STAMP)

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/bansos run --config docs/examples/bansos.yaml

# pytest exits 5 when it collected no test: that is a failure here, like any non-zero exit.
test: $(SPARK_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

format-check: $(DEV_STAMP)
	$(BIN)/ruff format --check src tests benchmarks

fmt: $(DEV_STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

check: format-check lint typecheck contracts test

docs-cli: $(DEV_STAMP)
	$(PY) -m bansos_cli.cli.docgen en > docs/cli.md
	$(PY) -m bansos_cli.cli.docgen id > docs/cli.id.md

# the generated part of docs/outputs.md (between its markers), from core/vocabulary.py
docs-outputs: $(RUN_STAMP)
	$(PY) -c 'import re, pathlib, bansos_cli.core.vocabulary as v; p = pathlib.Path("docs/outputs.md"); \
	  t = p.read_text(); s = "<!-- generated: python -m bansos_cli.core.vocabulary -->\n"; \
	  p.write_text(t[: t.index(s) + len(s)] + v.markdown() + "<!-- end generated -->\n")'

sample-data: $(RUN_STAMP)
	$(PY) -m bansos_cli.sample.sample_data sample_data

bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py

bench-dedup: $(BENCH_STAMP)
	$(PY) benchmarks/run.py dedup

bench-scale: $(BENCH_STAMP)
	$(PY) benchmarks/scale_dedup.py

bench-scale-validate: $(BENCH_STAMP)
	$(PY) benchmarks/scale_validate.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis .bench

# PNG pages of the sample reports for the guides (needs LibreOffice Calc and poppler-utils)
docs-report-pages: $(RUN_STAMP)
	$(PY) docs/examples/render_report_pages.py

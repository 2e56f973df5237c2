# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench eval-quotes setup clean screenshot

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Open the window (ingests seeds/ into the default database the first time).
run: $(STAMP)
	$(BIN)/python -m annotator.gui.platform_check
	$(BIN)/annotator ingest --if-empty seeds/
	$(BIN)/annotator gui

## The whole test suite, offscreen, one pytest-xdist worker per core; a test file stays on one worker (its
## tests keep their order and module fixtures). `$(BIN)/python -m pytest tests/x.py` runs one file alone.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto --dist loadfile

## Speed and memory figures against baselines measured in the same run.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

## Quote extraction scores on seeds/ against seeds/seed_quotes.jsonl.
eval-quotes: $(STAMP)
	$(BIN)/python benchmarks/eval_quotes.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

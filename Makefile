# Two entry points: `make run` (the bot, or the console chat without a token) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit eval bench screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot start

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q

# The shared development set when it is beside this checkout; otherwise the project's own sets (eval/*.jsonl).
SHARED_EVAL ?= ../shared/eval/dev.jsonl

eval: $(STAMP)
	$(BIN)/python -m bot eval $(wildcard $(SHARED_EVAL))

bench: $(STAMP)
	$(BIN)/python -m bot bench

# The README's pictures, from the real bot in SimCord's preview; needs Chromium (apt-get install chromium).
screenshots: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,docs]'
	$(BIN)/python -m scripts.screenshots

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# The README's words. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install demo test lint bench messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/minsheng demo

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/pytest -m bench -p no:randomly -q -s minsheng
	bin/bench-pages

messages: install
	$(BIN)/minsheng makemessages -l zh_Hans -l en --no-location --ignore='.venv/*' --ignore='minsheng/documents/*' --ignore='var/*'
	cd minsheng && ../$(BIN)/minsheng compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache

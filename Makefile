# The two commands of the README: `make run` starts the platform, `make test` runs the tests.
# Needs only Python 3.11+ (with its venv module) and make; everything else goes into .venv.

# The newest Python 3.11+ on PATH, unless PYTHON is given (make run PYTHON=/opt/py/bin/python3).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean screenshots

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 or newer is needed (none found on PATH)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
		echo "make: '$(PYTHON) -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2; \
		rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Migrate ./gobetween.db (SQLite, WAL), load the demo marketplace into an empty database, and
# serve http://127.0.0.1:8025 with a delivery worker (mail lands in var/delivered/).
run: $(STAMP)
	$(BIN)/gobetween migrate
	$(BIN)/gobetween demo --if-empty
	$(BIN)/gobetween accounts demo
	$(BIN)/gobetween serve

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# The message center's main pages as PNG files in docs/screenshots/ (needs /usr/bin/chromium).
screenshots: $(STAMP)
	$(BIN)/python tests/e2e/browser/screenshots.py docs/screenshots

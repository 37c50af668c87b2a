# OCOP–NTM: see README.md. Targets: setup, run, test, lint, bench.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: setup run test lint format bench messages clean

# The venv is rebuilt only when the dependency list changes; the stamp records that.
$(VENV)/.stamp-deps: pyproject.toml
	@interp=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    rm -rf $(VENV); echo "Creating $(VENV) with $$interp"; $$interp -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

node_modules/.stamp-assets: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm (Node.js) is required to install the front-end assets"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.stamp-deps node_modules/.stamp-assets
	@mkdir -p var
	$(MANAGE) compile_translations
	$(MANAGE) migrate --no-input
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo

# The background worker (imports) runs beside the web server; Ctrl+C stops both (the worker does not reload on code
# changes: restart `make run`).
run: setup
	$(MANAGE) demo_logins
	@$(MANAGE) db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:8000

lint: $(VENV)/.stamp-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.stamp-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.stamp-deps node_modules/.stamp-assets lint
	$(MANAGE) compile_translations
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(VENV)/.stamp-deps node_modules/.stamp-assets
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles

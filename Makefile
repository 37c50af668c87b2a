# OCOP–NTM: see README.md. Targets: setup, run, serve, test, lint, bench.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Two test workers (pytest-xdist; each with its own test database and one reference-data load): CI's two database runs
# stay inside their time budget. `make test PYTEST_ARGS='-n 0 …'` runs serially.
PYTEST_ARGS ?= -n 2

.PHONY: setup run serve test lint format bench messages clean

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

# The background worker (imports, periodic jobs) and the scheduler (run_scheduler queues PERIODIC_JOBS) run beside the
# web server; Ctrl+C stops all three (they do not reload on code changes: restart `make run`).
run: setup
	$(MANAGE) demo_logins
	@$(MANAGE) db_worker --no-reload & worker=$$!; \
	  $(MANAGE) run_scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:8000

# Served like production (README "make serve"): DEBUG off (SECRET_KEY required), gunicorn (config/gunicorn.conf.py:
# HOST, PORT, WEB_CONCURRENCY), static files collected once per change and served by WhiteNoise, JSON logs, the
# background worker beside it (stopped with it); DATABASE_URL / REDIS_URL / DATABASE_REPLICA_URL as set. No demo data.
# Variants of the vendor packages that no page uses are not collected (their compression is most of the time).
STATIC_IGNORE := '*.ts' '*.cjs' '*.cjs.map' '*.esm.*' '*.rtl.*' 'bootstrap-grid*' 'bootstrap-reboot*' \
  'bootstrap-utilities*' 'bootstrap.css' 'bootstrap.css.map' 'bootstrap.js' 'bootstrap.js.map' 'bootstrap.min.js' \
  'bootstrap.min.js.map' 'bootstrap.bundle.js' 'bootstrap.bundle.js.map' 'chart.js' 'chart.js.map' 'chart.umd.js' \
  'chart.umd.js.map' 'helpers.*' 'chunks' 'controllers' 'elements' 'platform' 'plugins' 'scales' 'types' \
  'htmx.js' 'htmx.amd.js'
STATIC_SOURCES := $(shell find static */static -type f 2>/dev/null)

staticfiles/staticfiles.json: $(VENV)/.stamp-deps node_modules/.stamp-assets $(STATIC_SOURCES)
	DEBUG=off SECRET_KEY=$${SECRET_KEY:-collectstatic-only} $(MANAGE) collectstatic --no-input --clear -v 0 \
	  $(addprefix -i ,$(STATIC_IGNORE))

serve: export DEBUG = off
serve: export LOG_FORMAT ?= json
serve: $(VENV)/.stamp-deps node_modules/.stamp-assets staticfiles/staticfiles.json
	@test -n "$$SECRET_KEY" || { echo "error: make serve runs with DEBUG off: set SECRET_KEY (README, make serve)"; exit 1; }
	$(MANAGE) compile_translations
	$(MANAGE) migrate --no-input
	$(MANAGE) load_reference_data
	@$(MANAGE) db_worker --no-reload & worker=$$!; \
	  $(MANAGE) run_scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn -c config/gunicorn.conf.py

# One archive (database, uploaded files, manifest) into BACKUP_DIR (var/backups) or TO=DIR; docs/deploy.md.
backup: $(VENV)/.stamp-deps
	$(MANAGE) backup $(if $(TO),--to "$(TO)")

# make restore ARCHIVE=var/backups/ocop-backup-….tar.gz [FORCE=1]; stop the web server, worker and scheduler first.
restore: $(VENV)/.stamp-deps
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=… [FORCE=1]"; exit 2; }
	$(MANAGE) restore "$(ARCHIVE)" $(if $(FORCE),--force)
	$(MANAGE) migrate --no-input

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

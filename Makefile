# The two commands a newcomer needs:
#   make run    set everything up and serve the portal on http://127.0.0.1:$(PORT)
#   make test   set everything up and run every check and test
# Both create .venv and install the pinned requirements the first time (and again only when
# a requirements file changes), so a second run starts in seconds.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Development mode for everything run from here; production settings are the default elsewhere.
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SECRET_KEY="$$(cat $(VENV)/dev-secret-key)"

.PHONY: run test test-postgres mutation bench bench-texts loadtest lint format superuser migrate content clean

run: $(VENV)/.runtime $(VENV)/dev-secret-key migrate content ## serve the portal
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev $(VENV)/dev-secret-key node_modules/.installed ## every check and test
	$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

test-postgres: ## the same, on the machine's PostgreSQL (started, with a test role, if needed)
	DATABASE_URL="$$(.ci/start-postgres)" $(MAKE) test

mutation: $(VENV)/.dev $(VENV)/dev-secret-key ## mutation testing of the core's rules (slow; not in `make test`)
	$(DEV_ENV) $(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results

bench: $(VENV)/.runtime ## speed, under gunicorn with production settings (uses wrk if installed)
	$(PY) bench/run.py

bench-texts: $(VENV)/.runtime ## how long saving a long text takes (25,000 to 200,000 characters)
	$(PY) bench/texts.py

loadtest: $(VENV)/.runtime ## 50 readers for 30 s while an editor saves every second
	$(PY) bench/loadtest.py

lint: $(VENV)/.dev ## ruff and the layers (import-linter), as in `make test`
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev ## fix what ruff can fix
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

superuser: $(VENV)/.runtime $(VENV)/dev-secret-key migrate ## a staff account for /admin/
	$(DEV_ENV) $(PY) manage.py createsuperuser

migrate: $(VENV)/.runtime $(VENV)/dev-secret-key
	$(DEV_ENV) $(PY) manage.py migrate --noinput

content: $(VENV)/.runtime $(VENV)/dev-secret-key
	$(DEV_ENV) $(PY) manage.py load_laws
	$(DEV_ENV) $(PY) manage.py load_content

clean: ## remove the virtual environment and test tools (the database stays)
	rm -rf $(VENV) node_modules

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Test-only tools from npm (axe-core, vnu.jar), pinned in package-lock.json. Without npm the
# accessibility and HTML-validation tests skip and say why; CI installs it.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm not found: the accessibility and HTML checks will skip (apt-get install npm)"; \
	fi

$(VENV)/dev-secret-key: | $(PY)
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

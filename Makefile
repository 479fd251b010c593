# Tessera — the README's two commands are `make run` and `make test`.
PYTHON_BOOT ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BROWSER_ARGS ?= --browser chromium --screenshot only-on-failure --output test-artifacts/playwright

.PHONY: run test test-fast test-browser test-fresh-machine css css-watch lint format bench worker beat migrate seed install check-deploy clean messages messages-compile template-scan

.tools/bin/uv:
	$(PYTHON_BOOT) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python 3.11
	@touch $@

install: .venv/.synced

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Embedded default: SQLite, in-memory channel layer, eager Celery, console e-mail.
# HOST and PORT also give SITE_URL (e-mail links, invoices) unless SITE_URL is set.
run: seed
	@echo "Serving Tessera on http://$(HOST):$(PORT)/  (development outbox: /dev/outbox/)"
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# Whole suite. With DATABASE_URL/REDIS_URL set it runs on PostgreSQL and Redis; without
# them on SQLite, skipping PostgreSQL-only tests with the reason. Browser tests run in
# their own pytest process (sync Playwright and asyncio tests must not share a process).
test: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser $(BROWSER_ARGS) $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" -x -q $(PYTEST_ARGS)

test-browser: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser $(BROWSER_ARGS) $(PYTEST_ARGS)

# `make test` as a new user meets it: a clean clone of HEAD, no DATABASE_URL/REDIS_URL, and
# Chromium, pdftoppm and redis-server hidden in a private mount namespace (needs root).
test-fresh-machine:
	bash .ci/fresh-machine
node_modules/.bin/tailwindcss: package.json
	npm install --no-audit --no-fund
	@touch $@

css: node_modules/.bin/tailwindcss
	npx @tailwindcss/cli -i static/src/app.css -o static/css/app.css --minify

css-watch: node_modules/.bin/tailwindcss
	npx @tailwindcss/cli -i static/src/app.css -o static/css/app.css --watch=always

# Translations (README: "Adding a string and its translations"). `make messages` extracts
# every marked string into the vi/ru catalogs (needs GNU gettext: apt-get install gettext)
# and compiles them; `make messages-compile` only compiles, with Babel (no gettext needed).
messages: install
	$(PY) manage.py messages_update

messages-compile: install
	$(PY) manage.py messages_compile

template-scan: install
	$(PY) manage.py template_scan

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: install
	@for script in bench/*.py; do [ -f "$$script" ] || continue; echo "== $$script"; $(PY) $$script; done

worker: install
	.venv/bin/celery -A project worker -l info

beat: install
	.venv/bin/celery -A project beat -l info

check-deploy: install
	DJANGO_SETTINGS_MODULE=project.settings.production \
	SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-tessera.example.com} EMAIL_HOST=$${EMAIL_HOST:-smtp.example.com} \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf .venv .tools node_modules staticfiles

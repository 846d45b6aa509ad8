# The two commands of the README: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := DEMO_COMMANDS=1 $(VENV)/bin/flask --app wsgi
PORT ?= 5000
SANDBOX_PORT ?= 5001
AGENT_SANDBOX_PORT ?= 5002
# The links in e-mails: the address `make run` serves, unless the environment gives another one.
PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
PYTEST_WORKERS ?= 2
export DSFR_ACCEPT_LICENSE := 1

.PHONY: install system-deps run mailbox test test-sqlite test-postgresql lint docs format bench browser clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: system-deps $(VENV)/.installed node_modules/.installed

# WeasyPrint (the PDF relevé) needs Pango and HarfBuzz's subsetter from the system (without the latter, recent
# WeasyPrint warns, and the suite treats warnings as errors); Debian's packages, installed only when missing.
system-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser of its own).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# What `make run` starts beside the portal, all on 127.0.0.1 and stopped with it (Ctrl+C): the two identity
# sandboxes, the development mailbox (SMTP on $(MAIL_PORT), its page on $(MAILBOX_PORT)), and one Celery worker
# with beat on the embedded broker (a SQLite file in instance/), which sends the e-mails and runs the daily jobs.
MAIL_PORT ?= 1025
MAILBOX_PORT ?= 5003
RUN_ENV := MAIL_BACKEND=smtp MAIL_PORT=$(MAIL_PORT) PORTAL_BASE_URL=$(PORTAL_BASE_URL) \
	FRANCECONNECT_ISSUER=http://127.0.0.1:$(SANDBOX_PORT)/api/v2 PROCONNECT_ISSUER=http://127.0.0.1:$(AGENT_SANDBOX_PORT)/api/v2

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Portail : http://127.0.0.1:$(PORT) — espace agents : http://127.0.0.1:$(PORT)/espace-agents"
	@echo "Bacs à sable : FranceConnect http://127.0.0.1:$(SANDBOX_PORT)/api/v2, ProConnect http://127.0.0.1:$(AGENT_SANDBOX_PORT)/api/v2"
	@echo "E-mails envoyés : http://127.0.0.1:$(MAILBOX_PORT) (boîte aux lettres de développement)"
	@$(PY) -m portal.sandbox --host 127.0.0.1 --port $(SANDBOX_PORT) \
	  --client-id portail-carriere-local --client-secret secret-du-bac-a-sable-local \
	  --redirect-uri http://127.0.0.1:$(PORT)/connexion/franceconnect/retour \
	  --redirect-uri http://localhost:$(PORT)/connexion/franceconnect/retour \
	  --post-logout-redirect-uri http://127.0.0.1:$(PORT)/deconnexion/retour \
	  --post-logout-redirect-uri http://localhost:$(PORT)/deconnexion/retour \
	  --key-file instance/sandbox-jwk.json & \
	SANDBOX_PID=$$!; \
	$(PY) -m portal.sandbox --profile proconnect --host 127.0.0.1 --port $(AGENT_SANDBOX_PORT) \
	  --client-id portail-agents-local --client-secret secret-agents-bac-a-sable \
	  --redirect-uri http://127.0.0.1:$(PORT)/espace-agents/connexion/proconnect/retour \
	  --redirect-uri http://localhost:$(PORT)/espace-agents/connexion/proconnect/retour \
	  --post-logout-redirect-uri http://127.0.0.1:$(PORT)/espace-agents/deconnexion/retour \
	  --post-logout-redirect-uri http://localhost:$(PORT)/espace-agents/deconnexion/retour \
	  --key-file instance/sandbox-agents-jwk.json & \
	AGENT_SANDBOX_PID=$$!; \
	$(PY) -m portal.sandbox.mailbox --smtp-port $(MAIL_PORT) --http-port $(MAILBOX_PORT) --directory instance/mails & \
	MAILBOX_PID=$$!; \
	$(RUN_ENV) DEMO_COMMANDS=1 $(VENV)/bin/celery -A wsgi:celery_app worker --beat --concurrency 1 --loglevel INFO \
	  --schedule instance/celerybeat-schedule --logfile instance/worker.log & \
	WORKER_PID=$$!; \
	trap "kill $$SANDBOX_PID $$AGENT_SANDBOX_PID $$MAILBOX_PID $$WORKER_PID 2>/dev/null" EXIT INT TERM; \
	$(RUN_ENV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The development mailbox alone: to start it again after stopping it (`pkill -f portal.sandbox.mailbox`) while
# `make run` goes on; the e-mails that waited meanwhile then arrive.
mailbox: install
	$(PY) -m portal.sandbox.mailbox --smtp-port $(MAIL_PORT) --http-port $(MAILBOX_PORT) --directory instance/mails

test: install browser lint test-sqlite test-postgresql

test-sqlite: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --db=sqlite

# The same suite on PostgreSQL (127.0.0.1:5432), with the workers on Redis and RabbitMQ. Browser tests already ran
# on SQLite: they test the pages, not the database; so did the rules engine's, which touch no database. Outside CI
# an unreachable server skips these tests and says so; with CI=true it fails.
test-postgresql: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --db=postgresql -m "not browser" --ignore=tests/pension_rules

# What the pre-commit hooks run too (.pre-commit-config.yaml): style, the floors of the house (import-linter, the
# contracts in pyproject.toml), types (mypy, strict on the rules engine), and the copies of the shared docs.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	scripts/check_shared_docs.sh

# Refresh docs/ from ../shared (the house rules and the legislation reference the code cites).
docs:
	cp ../shared/ARCHITECTURE.md ../shared/STYLE.md ../shared/STACK.md ../shared/pension-rules.md docs/
	chmod 644 docs/ARCHITECTURE.md docs/STYLE.md docs/STACK.md docs/pension-rules.md

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@command -v wrk >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py
	$(PY) bench/upload_memory.py
	$(PY) bench/queue_latency.py
	$(PY) bench/simulation.py
	$(PY) bench/intake.py

clean:
	rm -rf $(VENV) node_modules instance/*.sqlite3 .pytest_cache

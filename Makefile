# The two commands of the README: `make run` and `make test` (and `make bench`).
# Every step a fresh machine needs is here; nothing is installed by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export DEMO_PASSWORD ?= frontdesk-demo

# Packages from Debian the tests need that a fresh machine lacks.
TEST_DEBS := chromium chromium-driver gettext

.PHONY: run serve test bench bench-channels load setup services migrate messages static seed \
	browsers lint format clean backup restore

$(VENV)/.python:
	@python=$$(scripts/find-python) && echo "Using $$python ($$($$python --version))" && \
	  $$python -m venv $(VENV) && $(VENV)/bin/pip install -q --upgrade "pip==25.3"
	@touch $@

# pip >= 25.1 installs PEP 735 dependency groups straight from pyproject.toml.
$(VENV)/.app: $(VENV)/.python pyproject.toml
	$(VENV)/bin/pip install -q --group app
	$(VENV)/bin/pip install -q --no-deps --group beat
	@touch $@

$(VENV)/.test: $(VENV)/.app pyproject.toml
	$(VENV)/bin/pip install -q --group test
	@touch $@

$(VENV)/.load: $(VENV)/.app pyproject.toml
	$(VENV)/bin/pip install -q --group load
	@touch $@

services: $(VENV)/.app
	@$(PY) scripts/check_services.py

migrate: services
	DEBUG=1 $(MANAGE) migrate --noinput

messages: $(VENV)/.app
	@command -v msgfmt >/dev/null || $(MAKE) debs
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v 0

seed: migrate
	DEBUG=1 $(MANAGE) seed_demo --if-empty

setup: migrate messages seed

run: export DEBUG := 1
run: export SECRET_KEY ?= development-only-frontdesk-key-do-not-use-in-production
run: export WEB_PORT := $(PORT)
run: setup
	@echo
	@echo "  物业客服前台: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Demo logins (password $(DEMO_PASSWORD)): clerk, clerk2, supervisor, engineer"
	@echo "  Ctrl-C stops web, worker and beat together."
	@echo
	$(VENV)/bin/honcho start -f Procfile

# The production way: gunicorn (gunicorn.conf.py), the Celery worker and one beat, DEBUG off,
# static files collected for WhiteNoise. Needs the environment production needs: SECRET_KEY
# (50+ characters) and ALLOWED_HOSTS; behind a reverse proxy doing HTTPS, or with
# TLS_CERT/TLS_KEY for gunicorn to speak HTTPS itself. Loads no demo data.
static: $(VENV)/.app
	DEBUG=0 $(MANAGE) collectstatic --noinput -v 0

serve: export DEBUG := 0
serve: export PORT := $(PORT)
serve: migrate messages static
	@echo
	@echo "  物业客服前台 (production): $(if $(TLS_CERT),https,http)://127.0.0.1:$(PORT)/"
	@echo "  Ctrl-C stops web, worker and beat together."
	@echo
	$(VENV)/bin/honcho start -f Procfile.serve

debs:
	@if [ "$$(id -u)" != 0 ]; then echo "Run as root, or install: $(TEST_DEBS)"; exit 1; fi
	apt-get update -qq || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_DEBS) >/dev/null

browsers:
	@[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && command -v msgfmt >/dev/null || $(MAKE) debs

test: export SECRET_KEY ?= test-only-frontdesk-key-not-for-production-0123456789
test: $(VENV)/.test browsers migrate messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/pytest --create-db -n 2

# Company scale goes to a database of its own, so the development one never holds its
# millions of rows. seed_demo skips the sites already loaded (seconds once loaded, about
# a minute into an empty database). The bench runs as production does (DEBUG off); its
# key signs only the bench's own sessions.
# The figures are also written to BENCH_JSON; BENCH_ARGS adds options (--only, --requests).
BENCH_JSON ?= var/bench.json
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/frontdesk_bench
bench: migrate messages
	DEBUG=1 $(MANAGE) seed_demo --scale bench
	@mkdir -p $(dir $(BENCH_JSON))
	DEBUG=0 SECRET_KEY=bench-only-frontdesk-key-signs-nothing-but-the-bench-0123456789 \
	  ALLOWED_HOSTS=testserver,localhost $(MANAGE) bench --json $(BENCH_JSON) $(BENCH_ARGS)

# The channels' throughput in the same database: 10,000 deliveries written by one
# message_send and sent by one Celery worker to local fake providers (Tencent SMS, WeCom),
# then one robot under its real 20-a-minute limit for 3 minutes (about 2 minutes of it
# waiting). Its own Redis database, BENCH_REDIS_URL (default db 12), is purged.
# BENCH_CHANNELS_ARGS adds options ("--robot-minutes 0" leaves the robot out).
BENCH_CHANNELS_JSON ?= var/bench-channels.json
bench-channels: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/frontdesk_bench
bench-channels: migrate messages
	DEBUG=1 $(MANAGE) seed_demo --scale bench
	@mkdir -p $(dir $(BENCH_CHANNELS_JSON))
	DEBUG=0 SECRET_KEY=bench-only-frontdesk-key-signs-nothing-but-the-bench-0123456789 \
	  ALLOWED_HOSTS=testserver,localhost $(MANAGE) bench_channels \
	  --json $(BENCH_CHANNELS_JSON) $(BENCH_CHANNELS_ARGS)

# Fifty clerks at once on the busiest site of the bench database, against the app started
# as production runs it (`make serve`: gunicorn over HTTPS with a certificate made for the
# run, worker, beat; LOAD_SERVER=run for the development server instead), for 60 s:
# p50/p95 per page, exit 1 on any failed request. Not part of `make test`. A server already
# on PORT is left alone: the load then goes to LOAD_PORT. Server log: var/load-server.log;
# figures: var/load-summary.json (and Locust's var/load_*.csv).
LOAD_PORT ?= 8010
LOAD_SERVER ?= serve
load: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/frontdesk_bench
load: $(VENV)/.load migrate messages
	DEBUG=1 $(MANAGE) seed_demo --scale bench
	DEBUG=1 $(MANAGE) load_prepare
	$(PY) loadtest/run.py --server $(LOAD_SERVER) --port $(PORT) --fallback-port $(LOAD_PORT)

# One archive with the database (pg_dump -Fc) and the uploaded files (MEDIA_ROOT), written
# to backups/frontdesk-YYYYmmdd-HHMMSS.tar (BACKUP_DIR overrides the folder).
backup: services
	DEBUG=1 $(MANAGE) backup

# Replaces the database and MEDIA_ROOT with an archive's contents; asks nothing.
restore: services
	DEBUG=1 $(MANAGE) restore "$(FILE)"

lint: $(VENV)/.test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles

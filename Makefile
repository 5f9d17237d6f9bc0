# Partnership Lens: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-provider install install-dev pdf-deps system-deps cluster-deps i18n i18n-deps messages lint format typecheck bench load cluster-check worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are held to the versions in requirements.lock, the ones `make audit` checks.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed i18n

install-dev: $(VENV)/.installed-dev i18n

run: install pdf-deps
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_instrument
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# System packages: Debian's Chromium for the browser tests (Playwright cannot download
# browsers here) and Pango for WeasyPrint's PDFs. Installed only when missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(PDF_PACKAGES) $(I18N_PACKAGES) chromium

define install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Install these first: sudo apt-get install $$missing" >&2; exit 1; fi; \
	fi
endef

pdf-deps:
	$(call install_missing,$(PDF_PACKAGES))

# Translations: each locale*/<lang>/LC_MESSAGES/django.po is compiled to its .mo (not committed)
# whenever the .po is newer, so a fresh `make run` serves Welsh. msgfmt comes from gettext.
I18N_PACKAGES := gettext
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po locale_vendor/*/LC_MESSAGES/*.po))

i18n-deps:
	$(call install_missing,$(I18N_PACKAGES))

i18n: i18n-deps $(MO_FILES)

%.mo: %.po
	msgfmt --check-format -o $@ $<

# After adding or changing strings: refresh the catalogue (new messages come in with an empty
# msgstr, changed ones marked fuzzy), translate them, then `make i18n` (README, "Welsh").
messages: install-dev i18n-deps
	$(BIN)/python manage.py makemessages -l cy --ignore=.venv --ignore=tests --ignore=var \
	  --add-location=file --no-obsolete

system-deps:
	$(call install_missing,$(TEST_PACKAGES))

# The staff sign-in tests' OpenID provider (tests/oidc_provider): Node's oidc-provider, held to
# its package-lock.json. Node.js and npm come with the machine.
OIDC_PROVIDER := tests/oidc_provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@command -v npm >/dev/null || { echo "The sign-in tests need Node.js 20+ and npm" >&2; exit 1; }
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error
	touch $@

test-provider: $(OIDC_PROVIDER)/node_modules/.installed

test: install-dev system-deps test-provider
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# mypy with the Django and DRF plugins over everything [tool.mypy] in pyproject.toml names:
# every module checked, the scoring package and every services/selectors module strict.
typecheck: install-dev
	$(BIN)/mypy

# Security audit: bandit over the code, then pip-audit over the locked dependencies. pip-audit
# asks PyPI's JSON API about each pinned version; --strict fails when a package could not be
# checked (without it, an unreachable service reads as "No known vulnerabilities found").
AUDITED := config core partnerships surveys reports

.PHONY: audit audit-code audit-deps
audit: audit-code audit-deps

audit-code: install-dev
	$(BIN)/bandit -c pyproject.toml -q -r $(AUDITED)

audit-deps: install-dev
	$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --strict --progress-spinner off

# requirements.lock pins every dependency, dev tools included, as resolved from pyproject.toml.
# Run after changing the dependencies; LOCK_ARGS=--upgrade moves every pin to the newest release.
LOCK_ARGS ?=

.PHONY: lock
lock: install-dev
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra dev --strip-extras \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) -o requirements.lock pyproject.toml

# All three queues (mail, scoring, exports) by default; `make worker QUEUES=mail` takes one.
QUEUES ?=
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO $(if $(QUEUES),-Q $(QUEUES))

# The measuring harness lives in tests/perf/ (python -m tests.perf.<tool>), not in the apps.
# Benchmarks build their own data in a separate PostgreSQL database on 127.0.0.1.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partnership_lens_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
# In-process measurements run with the settings the served app has (tests/perf/served.py).
SERVED_SETTINGS = DJANGO_DEBUG=0 DJANGO_HTTPS=0 ALLOWED_HOSTS=127.0.0.1 DATABASE_CONN_MAX_AGE=60

bench: install-dev
	@dropdb -h 127.0.0.1 -U postgres --if-exists partnership_lens_bench
	@createdb -h 127.0.0.1 -U postgres partnership_lens_bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.perf.bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.perf.bench_network
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.perf.bench_submissions
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.perf.bench_reports
	@redis-cli -u $(BENCH_BROKER_URL) flushdb >/dev/null
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(SERVED_SETTINGS) \
	  $(BIN)/python -m tests.perf.profile_journey
	@redis-cli -u $(BENCH_BROKER_URL) flushdb >/dev/null
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) \
	  $(BIN)/python -m tests.perf.bench_journeys

# The load test: its own PostgreSQL database and Redis database 13, so nothing else is touched.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partnership_lens_load
LOAD_BROKER_URL ?= redis://127.0.0.1:6379/13

load: install-dev
	@dropdb -h 127.0.0.1 -U postgres --if-exists partnership_lens_load
	@createdb -h 127.0.0.1 -U postgres partnership_lens_load
	@redis-cli -u $(LOAD_BROKER_URL) flushdb >/dev/null
	DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	DATABASE_URL=$(LOAD_DATABASE_URL) CELERY_BROKER_URL=$(LOAD_BROKER_URL) \
	  $(BIN)/python -m tests.perf.load

# Several machines on one: nginx (Debian's, run as the current user with everything under
# var/cluster-nginx) in front of two gunicorns, a Celery worker per queue (two on scoring), one
# beat; its own PostgreSQL database and Redis database 12 (broker and shared cache).
CLUSTER_PACKAGES := nginx
CLUSTER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partnership_lens_cluster
CLUSTER_REDIS_URL ?= redis://127.0.0.1:6379/12

cluster-deps:
	$(call install_missing,$(CLUSTER_PACKAGES))

cluster-check: install-dev cluster-deps
	@dropdb -h 127.0.0.1 -U postgres --if-exists partnership_lens_cluster
	@createdb -h 127.0.0.1 -U postgres partnership_lens_cluster
	@redis-cli -u $(CLUSTER_REDIS_URL) flushdb >/dev/null
	DATABASE_URL=$(CLUSTER_DATABASE_URL) $(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	DATABASE_URL=$(CLUSTER_DATABASE_URL) CELERY_BROKER_URL=$(CLUSTER_REDIS_URL) \
	  CACHE_URL=$(CLUSTER_REDIS_URL) $(BIN)/python -m tests.perf.cluster

# Fault scenarios against private PostgreSQL and Redis servers (started and stopped here, on
# free ports of 127.0.0.1); one PASS/FAIL line per scenario, non-zero exit on any failure.
.PHONY: faults
faults: install-dev
	$(BIN)/python -m tests.perf.faults

clean:
	rm -rf $(VENV) var .pytest_cache $(OIDC_PROVIDER)/node_modules

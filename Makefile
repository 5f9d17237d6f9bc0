# Partnership Lens: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-dev pdf-deps system-deps lint format bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install pdf-deps
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_instrument
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# System packages: Debian's Chromium for the browser tests (Playwright cannot download
# browsers here) and Pango for WeasyPrint's PDFs. Installed only when missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(PDF_PACKAGES) chromium

define install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Install these first: sudo apt-get install $$missing" >&2; exit 1; fi; \
	fi
endef

pdf-deps:
	$(call install_missing,$(PDF_PACKAGES))

system-deps:
	$(call install_missing,$(TEST_PACKAGES))

test: install-dev system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

# Benchmarks build their own data in a separate PostgreSQL database on 127.0.0.1.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partnership_lens_bench

bench: install-dev
	@dropdb -h 127.0.0.1 -U postgres --if-exists partnership_lens_bench
	@createdb -h 127.0.0.1 -U postgres partnership_lens_bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_submissions
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_reports

# Fault scenarios against private PostgreSQL and Redis servers (started and stopped here, on
# free ports of 127.0.0.1); one PASS/FAIL line per scenario, non-zero exit on any failure.
.PHONY: faults
faults: install-dev
	$(BIN)/python -m surveys.faults

clean:
	rm -rf $(VENV) var .pytest_cache

# Coaching Cycles. `make demo` runs the whole app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Two install stamps: running the app needs only the package (`make demo`); the checks
# (test, lint, types) also need its dev extra. Each changes with pyproject.toml.
HASH := $(shell cat pyproject.toml | md5sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(HASH)
# The demo's web server listens on PORT (scripts/demo.sh prints its addresses with it).
PORT ?= 8000
export PORT

# Tests talk to real servers; override either to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coaching_cycles
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
# One pytest-xdist worker per core (tests/conftest.py keeps their queues and files apart);
# a test file stays on one worker, so its module fixtures (the seeded crawl) run once.
PYTEST_ARGS ?= -n auto --maxprocesses=4 --dist loadfile

.PHONY: demo test install install-dev messages compilemessages lint types pytest clean bench-data bench bench-capacity

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e .
	rm -f $(filter-out $(STAMP) $(DEV_STAMP),$(wildcard $(VENV)/.installed-*)) && touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# Compiling needs GNU gettext (msgfmt); the compiled catalogues are also committed,
# so a machine without it still shows both languages.
compilemessages: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore '.venv' -v0; \
	else echo "msgfmt not found (apt-get install gettext): using the committed .mo files"; fi

messages: $(STAMP)
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete --add-location file

demo: $(STAMP) compilemessages
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed_demo
	./scripts/demo.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(DEV_STAMP)
	$(VENV)/bin/mypy .

pytest: $(DEV_STAMP) compilemessages
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	COACHING_REQUIRE_REAL_SERVICES=1 \
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint types pytest

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache

# Benchmarks on a throw-away PostgreSQL database (bench/README.md): fill it, then measure.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coaching_bench

bench-data: $(DEV_STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/generate.py $(BENCH_ARGS)

bench: $(DEV_STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load.py

# Capacity (bench/capacity.py): 2 gunicorn workers driven flat out by wrk, with the floors.
# CAPACITY_ARGS="--label before" names bench/results/capacity-before.json.
bench-capacity: $(DEV_STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/capacity.py $(CAPACITY_ARGS)

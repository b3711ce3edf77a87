# Two environments: .venv (Python 3.11, web app + Celery worker) and .venv-ga (Python 3.9,
# the engine's scientific stack). Each is rebuilt when its requirements change.
PYTHON ?= python3
PYTHON_GA ?= $(shell p=$$(pyenv prefix 3.9 2>/dev/null) && echo $$p/bin/python || command -v python3.9 || echo python3)

# The test suite talks to real servers; these are the machine's local ones.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
DEMO_ENV = DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/var/demo.sqlite3

.PHONY: demo demo-no-serve demo-data bench-overhead test test-ga test-web bench venvs

venvs: .venv/.installed .venv-ga/.installed

.venv/.installed: requirements/base.txt requirements/dev.txt
	test -d .venv || $(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

.venv-ga/.installed: requirements/ga.txt requirements/ga-dev.txt
	test -d .venv-ga || $(PYTHON_GA) -m venv .venv-ga
	.venv-ga/bin/pip install --quiet --disable-pip-version-check -r requirements/ga-dev.txt
	touch $@

test: test-ga test-web

test-ga: .venv-ga/.installed
	.venv-ga/bin/python -m pytest -c tests/ga_runner/pytest.ini tests/ga_runner

test-web: .venv/.installed .venv-ga/.installed
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} .venv/bin/python -m pytest tests

# The demo runs on embedded defaults: SQLite, and a broker in files under var/ (no Redis needed;
# set REDIS_URL to use one). A Celery worker (one process, "solo" pool) runs beside the site and
# is stopped, warmly, when the target ends.
WORKER = .venv/bin/celery -A config worker -Q engine.priority,engine,celery --pool solo --loglevel WARNING
WITH_WORKER = $(DEMO_ENV) $(WORKER) & worker=$$!; trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT;

demo: demo-data
	@echo "Admin: http://127.0.0.1:8000/admin/  (Ctrl-C stops the site and the worker)"
	$(WITH_WORKER) $(DEMO_ENV) .venv/bin/python manage.py runserver --noreload 127.0.0.1:8000

# The same without a web server: generate the demo timetable end to end, print where it is.
demo-no-serve: demo-data
	$(WITH_WORKER) $(DEMO_ENV) .venv/bin/python manage.py generate_timetable "Autumn 2026" \
		--org demo-faculty-of-engineering --time-limit 20 --wait

# Submit → the engine's first progress line, on the demo term with a real worker: the demo's
# SQLite database, and Redis as the broker when REDIS_URL is set (else the embedded one).
bench-overhead: demo-data
	$(WITH_WORKER) $(DEMO_ENV) .venv/bin/python manage.py bench_overhead "Autumn 2026" \
		--org demo-faculty-of-engineering --runs 5

demo-data: venvs
	mkdir -p var
	$(DEMO_ENV) .venv/bin/python manage.py migrate --verbosity 0
	$(DEMO_ENV) .venv/bin/python manage.py load_demo

# Validate docker-compose.yml offline (no Docker engine needed) against .env.example: with the
# Compose plugin when installed, else Debian's `docker-compose` (apt-get install docker-compose).
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || command -v docker-compose)

.PHONY: compose-config
compose-config:
	@test -n "$(COMPOSE)" || { echo "compose-config needs Docker Compose: apt-get install docker-compose" >&2; exit 1; }
	ENV_FILE=.env.example $(COMPOSE) --env-file .env.example --profile minio config --quiet
	@echo "docker-compose.yml is valid."

# The engine's benchmark: ITC-2007 comp01-07 (300 s each) and the campus (110 s), each on one
# core of its own, two at a time.
# BENCH_ARGS to change, e.g. make bench BENCH_ARGS="--time-limit 60 --instances comp01,comp05".
BENCH_ARGS ?= --time-limit 300 --campus --parallel 2
bench: .venv-ga/.installed
	.venv-ga/bin/python -m ga_runner.bench $(BENCH_ARGS)
